import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevProvider, type DevProvider } from '@wrrk/keycloak/dev-provider/index.ts';
import { devClients } from '@wrrk/keycloak/testing/dev-fixtures.ts';
import { createKeycloakDirectory, displayName, keycloakFromIssuer } from './keycloak-directory.ts';
import { startKeycloakAdminDouble, type KeycloakAdminDouble } from './keycloak-admin-double.ts';

describe('KeycloakDirectory (official admin client against a Keycloak admin API double)', () => {
  let keycloak: KeycloakAdminDouble;
  beforeAll(async () => {
    keycloak = await startKeycloakAdminDouble({ tokenLifetimeSeconds: 6 });
    keycloak.addTenant('/organizations/acme-corp', 'Acme Corp');
    keycloak.addTenant('/organizations/globex', 'Globex');
    keycloak.upsertUser({ id: 'u-alice', username: 'alice.agent', email: 'alice@acme.test', firstName: 'Alice', lastName: 'Agent', roles: ['agent'], groups: ['/organizations/acme-corp', '/teams/support'] });
    keycloak.upsertUser({ id: 'u-carol', username: 'carol.ceo', email: 'carol@acme.test', firstName: 'Carol', roles: ['ceo'], groups: ['/organizations/acme-corp'] });
    keycloak.upsertUser({ id: 'u-olga', username: 'olga.agent', email: 'olga@globex.test', roles: ['agent'], groups: ['/organizations/globex'], enabled: false });
  });
  afterAll(() => keycloak.close());

  const directory = () => createKeycloakDirectory({ baseUrl: keycloak.baseUrl, realm: keycloak.realm, clientId: keycloak.clientId, clientSecret: keycloak.clientSecret, pageSize: 1 });

  it('lists the organisations and teams as tenants with their display names', async () => {
    const tenants = await directory().listTenants();
    expect(tenants).toEqual(expect.arrayContaining([{ id: '/organizations/acme-corp', name: 'Acme Corp' }, { id: '/organizations/globex', name: 'Globex' }, { id: '/teams/support', name: 'support' }]));
  });

  it('lists direct members with effective realm roles, paging through the members', async () => {
    const members = await directory().listTenantMembers('/organizations/acme-corp');
    expect(members.map((m) => [m.username, m.name, m.roles, m.enabled])).toEqual([
      ['alice.agent', 'Alice Agent', ['agent'], true],
      ['carol.ceo', 'Carol', ['ceo'], true],
    ]);
    const globex = await directory().listTenantMembers('/organizations/globex');
    expect(globex[0]).toMatchObject({ username: 'olga.agent', enabled: false, name: 'olga.agent' });
    expect(await directory().listTenantMembers('/organizations/nope')).toEqual([]);
    expect(await directory().listTenantMembers('2b1c6c1e-personal')).toEqual([]);
  });

  it('finds a user by exact username and reuses its client-credentials token', async () => {
    const dir = directory();
    const before = keycloak.stats().tokenRequests;
    expect(await dir.findUserByUsername('carol.ceo')).toMatchObject({ id: 'u-carol', roles: ['ceo'] });
    expect(await dir.findUserByUsername('nobody')).toBeNull();
    await dir.listTenantMembers('/organizations/acme-corp');
    expect(keycloak.stats().tokenRequests - before).toBe(1);
  });

  it('fails clearly with a wrong client secret', async () => {
    const dir = createKeycloakDirectory({ baseUrl: keycloak.baseUrl, realm: keycloak.realm, clientId: 'orchestrator', clientSecret: 'wrong' });
    await expect(dir.listTenants()).rejects.toThrow();
  });

  it('derives the admin base and realm from a Keycloak issuer', () => {
    expect(keycloakFromIssuer('http://localhost:8080/realms/wrrk')).toEqual({ baseUrl: 'http://localhost:8080', realm: 'wrrk' });
    expect(keycloakFromIssuer('https://id.example.com/auth/realms/wrrk/')).toEqual({ baseUrl: 'https://id.example.com/auth', realm: 'wrrk' });
    expect(() => keycloakFromIssuer('https://accounts.example.com')).toThrow(/realms/);
    expect(displayName({ username: 'x' })).toBe('x');
  });
});

describe('KeycloakDirectory against the development provider (same realm file as Keycloak)', () => {
  let idp: DevProvider;
  beforeAll(async () => {
    idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
  });
  afterAll(() => idp.close());

  it('reads the demo tenants, members and roles the orchestrator provisions from', async () => {
    const { clientId, clientSecret } = devClients().orchestrator;
    const directory = createKeycloakDirectory({ baseUrl: idp.url, realm: 'wrrk', clientId, clientSecret });
    const tenants = await directory.listTenants();
    expect(tenants.map((t) => t.id)).toEqual(expect.arrayContaining(['/organizations/acme-corp', '/organizations/globex', '/teams/support']));
    const acme = await directory.listTenantMembers('/organizations/acme-corp');
    expect(Object.fromEntries(acme.map((m) => [m.username, m.roles]))).toEqual({ 'alice.agent': ['agent'], 'mark.manager': ['manager'], 'carol.ceo': ['ceo'], 'adam.admin': ['admin'] });
    expect(acme.every((m) => m.enabled && m.email)).toBe(true);
    expect((await directory.listTenantMembers('/organizations/globex')).map((m) => m.username)).toEqual(['olga.agent']);
    expect(await directory.findUserByUsername('carol.ceo')).toMatchObject({ username: 'carol.ceo', name: 'Carol Ceo', roles: ['ceo'] });
  });
});
