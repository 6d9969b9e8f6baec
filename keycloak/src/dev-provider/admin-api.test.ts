import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { UserQuery } from '@keycloak/keycloak-admin-client/lib/resources/users.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PASSWORD, devClients } from '../testing/dev-fixtures.ts';
import { loginWithPassword } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';

const ALICE_ID = '148521e5-07e9-450f-831d-0d35330d3f8b';
const ACME_ID = 'be44baa7-0fad-4a7a-a2ca-ed0202f0eb2a';
const clients = devClients();
let idp: DevProvider;
let admin: KcAdminClient;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
  // The official admin client, unchanged: it authenticates at /realms/wrrk/protocol/openid-connect/token.
  admin = new KcAdminClient({ baseUrl: idp.url, realmName: 'wrrk' });
  await admin.auth({ grantType: 'client_credentials', ...clients.orchestrator });
});
afterAll(async () => {
  await idp.close();
});

async function adminGet(path: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${idp.url}/admin/realms/wrrk${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('admin REST API subset through @keycloak/keycloak-admin-client', () => {
  it('lists users as Keycloak does (full representation, service accounts left out)', async () => {
    const users = await admin.users.find();
    expect(users.map((user) => user.username)).toEqual(['alice.agent', 'mark.manager', 'carol.ceo', 'adam.admin', 'olga.agent']);
    expect(users[0]).toEqual({
      id: ALICE_ID,
      username: 'alice.agent',
      firstName: 'Alice',
      lastName: 'Agent',
      email: 'alice.agent@acme-corp.example',
      emailVerified: true,
      createdTimestamp: expect.any(Number),
      enabled: true,
      totp: false,
      disableableCredentialTypes: [],
      requiredActions: [],
      notBefore: 0,
      access: { manageGroupMembership: false, view: true, mapRoles: false, impersonate: false, manage: false },
    });
    expect(await admin.users.count()).toBe(5);
  });

  it('searches users like Keycloak: prefix, infix with *, exact with quotes; field filters; paging', async () => {
    const names = async (query: UserQuery) => (await admin.users.find(query)).map((user) => user.username);
    expect(await names({ search: 'car' })).toEqual(['carol.ceo']);
    expect(await names({ search: 'gent' })).toEqual([]);
    expect(await names({ search: '*gent*' })).toEqual(['alice.agent', 'olga.agent']);
    expect(await names({ search: '"globex"' })).toEqual([]);
    expect(await names({ email: 'globex' })).toEqual(['olga.agent']);
    expect(await names({ username: 'olga', exact: true })).toEqual([]);
    expect(await names({ first: 1, max: 2 })).toEqual(['mark.manager', 'carol.ceo']);
    expect(await names({ briefRepresentation: true, max: 1 })).toEqual(['alice.agent']);
    expect(await admin.users.count({ search: '*gent*' })).toBe(2);
  });

  it('reads one user, their groups and realm role mappings', async () => {
    expect(await admin.users.findOne({ id: ALICE_ID })).toMatchObject({ username: 'alice.agent' });
    expect(await admin.users.findOne({ id: '00000000-0000-0000-0000-000000000000' })).toBeNull();
    // Service accounts are left out of listings, not out of lookups by id.
    expect(await admin.users.findOne({ id: '3bcf5ac3-b963-4981-be4f-791643a9e27c' })).toMatchObject({ username: 'service-account-orchestrator' });
    expect(await admin.users.listGroups({ id: ALICE_ID })).toEqual([
      { id: ACME_ID, name: 'acme-corp', path: '/organizations/acme-corp', parentId: '6829449f-6ad9-4334-b6ff-03a5237a87cc', subGroupCount: 0, subGroups: [] },
      { id: '44803a4a-0086-4162-923a-d12af677ab05', name: 'support', path: '/teams/support', parentId: '5aec8173-97f9-483b-b012-472b9824377c', subGroupCount: 0, subGroups: [] },
    ]);
    expect(await admin.users.countGroups({ id: ALICE_ID })).toEqual({ count: 2 });
    const roles = await admin.users.listRealmRoleMappings({ id: ALICE_ID });
    expect(roles.map((role) => role.name)).toEqual(['default-roles-wrrk', 'agent']);
    expect(roles[1]).toEqual({ id: expect.any(String), name: 'agent', description: expect.any(String), composite: false, clientRole: false, containerId: expect.any(String), attributes: {} });
    const effective = await admin.users.listCompositeRealmRoleMappings({ id: ALICE_ID });
    expect(effective.map((role) => role.name).sort()).toEqual(['agent', 'default-roles-wrrk', 'offline_access', 'uma_authorization']);
  });

  it('reads the group tree lazily: top level, children (10 by default), members, by path', async () => {
    const top = await admin.groups.find();
    expect(top).toEqual([
      { id: '6829449f-6ad9-4334-b6ff-03a5237a87cc', name: 'organizations', path: '/organizations', subGroupCount: 2, subGroups: [] },
      { id: '5aec8173-97f9-483b-b012-472b9824377c', name: 'teams', path: '/teams', subGroupCount: 1, subGroups: [] },
    ]);
    const organizations = await admin.groups.listSubGroups({ parentId: top[0]!.id! });
    expect(organizations.map((group) => group.path)).toEqual(['/organizations/acme-corp', '/organizations/globex']);
    expect(organizations[0]).toMatchObject({ attributes: { displayName: ['Acme Corp'] }, access: { view: true } });
    expect(await admin.groups.listSubGroups({ parentId: top[0]!.id!, first: 1, max: 1 })).toHaveLength(1);

    const members = await admin.groups.listMembers({ id: ACME_ID });
    expect(members.map((user) => user.username)).toEqual(['alice.agent', 'mark.manager', 'carol.ceo', 'adam.admin']);

    const acme = await admin.realms.getGroupByPath({ realm: 'wrrk', path: 'organizations/acme-corp' });
    expect(acme).toMatchObject({ id: ACME_ID, path: '/organizations/acme-corp', attributes: { displayName: ['Acme Corp'] } });
    expect(await admin.groups.findOne({ id: ACME_ID })).toMatchObject({ name: 'acme-corp', realmRoles: [] });
    expect(await admin.groups.count()).toEqual({ count: 5 });
    expect(await admin.groups.count({ top: true })).toEqual({ count: 2 });
  });

  it('searches groups, returning the path from the top to each match', async () => {
    const found = await admin.groups.find({ search: 'glob' });
    expect(found).toEqual([
      expect.objectContaining({ name: 'organizations', subGroups: [expect.objectContaining({ name: 'globex', path: '/organizations/globex', subGroups: [] })] }),
    ]);
  });

  it('lists realm roles and the users holding one', async () => {
    expect((await admin.roles.find()).map((role) => role.name)).toEqual(expect.arrayContaining(['agent', 'manager', 'ceo', 'admin', 'offline_access']));
    expect((await admin.roles.findUsersWithRole({ name: 'agent' })).map((user) => user.username)).toEqual(['alice.agent', 'olga.agent']);
  });
});

describe('admin REST API authorization and errors', () => {
  it('refuses requests without a valid access token (401)', async () => {
    expect(await adminGet('/users')).toMatchObject({ status: 401, body: { error: 'HTTP 401 Unauthorized', details: expect.stringMatching(/no bearer token/) } });
    expect(await adminGet('/users', 'not-a-token')).toMatchObject({ status: 401, body: { error: 'HTTP 401 Unauthorized' } });
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD });
    expect(await adminGet('/users', tokens.idToken)).toMatchObject({ status: 401, body: { details: expect.stringMatching(/not an access token/) } });
  });

  it('refuses users without realm-management roles (403)', async () => {
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'adam.admin', password: DEMO_PASSWORD });
    const result = await adminGet('/users', tokens.accessToken);
    expect(result).toEqual({
      status: 403,
      body: { error: 'HTTP 403 Forbidden', details: expect.stringMatching(/realm-management roles query-users, view-users/), timestamp: expect.any(String), requestId: expect.any(String) },
    });
  });

  it('says what was wrong with bad query parameters (400), unknown ids (404), unsupported paths and writes', async () => {
    const token = admin.accessToken!;
    expect(await adminGet('/users?max=ten', token)).toMatchObject({ status: 400, body: { error: 'Query parameter "max" must be a non-negative integer, got "ten"' } });
    expect(await adminGet('/users?briefRepresentation=yes', token)).toMatchObject({ status: 400, body: { error: expect.stringMatching(/"briefRepresentation" must be "true" or "false"/) } });
    expect(await adminGet('/groups/nope/members', token)).toMatchObject({ status: 404, body: { error: 'Could not find group by id' } });
    expect(await adminGet('/group-by-path/organizations/initech', token)).toMatchObject({ status: 404, body: { error: 'Group path does not exist' } });
    expect(await adminGet('/clients', token)).toMatchObject({ status: 404, body: { details: expect.stringMatching(/not part of the development provider's admin API subset/) } });
    await expect(fetch(`${idp.url}/admin/realms/other/users`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)).resolves.toBe(404);
    await expect(admin.users.create({ username: 'eve' })).rejects.toMatchObject({ response: { status: 405 } });
  });
});
