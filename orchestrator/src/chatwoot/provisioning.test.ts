import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKeycloakAdminDouble, type KeycloakAdminDouble } from '../directory/keycloak-admin-double.ts';
import type { DirectoryUser } from '../directory/user-directory.ts';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import { chatwootRoleFor, planProvisioning, type UserLink } from './provisioning.ts';
import { startChatwootWorld, type ChatwootWorld } from './testing/chatwoot-harness.ts';

const member = (over: Partial<DirectoryUser> & { id: string }): DirectoryUser => ({ username: over.id, email: `${over.id}@acme.test`, firstName: null, lastName: null, name: over.id, enabled: true, roles: ['agent'], ...over });
const link = (over: Partial<UserLink> & { keycloak_user_id: string }): UserLink => ({
  tenant_id: ACME, account_id: 1, username: over.keycloak_user_id, name: over.keycloak_user_id, email: `${over.keycloak_user_id}@acme.test`, role: 'agent', desired: 'active', chatwoot_user_id: 5, delivered_at: null, created_at: new Date(), updated_at: new Date(), ...over,
});

describe('provisioning plan (pure)', () => {
  it('maps Keycloak roles to Chatwoot roles', () => {
    expect(chatwootRoleFor(['admin'])).toBe('administrator');
    expect(chatwootRoleFor(['manager', 'agent'])).toBe('administrator');
    expect(chatwootRoleFor(['ceo'])).toBe('agent');
    expect(chatwootRoleFor(['agent'])).toBe('agent');
    expect(chatwootRoleFor([])).toBeNull();
  });

  it('adds, changes, removes and skips exactly what differs', () => {
    const plan = planProvisioning(
      [link({ keycloak_user_id: 'same' }), link({ keycloak_user_id: 'renamed' }), link({ keycloak_user_id: 'gone' }), link({ keycloak_user_id: 'back', desired: 'removed' }), link({ keycloak_user_id: 'demoted', role: 'administrator' })],
      [member({ id: 'same' }), member({ id: 'renamed', name: 'New Name' }), member({ id: 'new' }), member({ id: 'back' }), member({ id: 'demoted' }), member({ id: 'disabled', enabled: false }), member({ id: 'no-role', roles: [] }), member({ id: 'no-mail', email: null })],
    );
    expect(plan.add.map((u) => u.keycloakUserId).sort()).toEqual(['back', 'new']);
    expect(plan.change.map((c) => c.after.keycloakUserId).sort()).toEqual(['demoted', 'renamed']);
    expect(plan.remove.map((l) => l.keycloak_user_id)).toEqual(['gone']);
    expect(plan.unchanged).toBe(1);
    expect(plan.skipped).toEqual([{ keycloakUserId: 'no-mail', username: 'no-mail', reason: 'no email address in Keycloak' }]);
  });
});

describe('POST /api/sync/chatwoot (Keycloak → Chatwoot Platform API)', () => {
  let keycloak: KeycloakAdminDouble;
  let world: ChatwootWorld;
  beforeAll(async () => {
    keycloak = await startKeycloakAdminDouble();
    keycloak.addTenant(ACME, 'Acme Corp');
    keycloak.upsertUser({ id: PERSONAS.alice.sub, username: 'alice.agent', email: 'alice@acme.test', firstName: 'Alice', lastName: 'Agent', roles: ['agent'], groups: [ACME] });
    keycloak.upsertUser({ id: PERSONAS.carol.sub, username: 'carol.ceo', email: 'carol@acme.test', firstName: 'Carol', lastName: 'CEO', roles: ['ceo'], groups: [ACME] });
    keycloak.upsertUser({ id: PERSONAS.adam.sub, username: 'adam.admin', email: 'adam@acme.test', firstName: 'Adam', lastName: 'Admin', roles: ['admin'], groups: [ACME] });
    world = await startChatwootWorld({ ORCHESTRATOR_CLIENT_SECRET: keycloak.clientSecret, KEYCLOAK_ADMIN_URL: keycloak.baseUrl });
  });
  afterAll(async () => {
    await world.close();
    await keycloak.close();
  });
  afterEach(() => expect(world.chatwoot.violations).toEqual([]));

  const sync = async (persona = PERSONAS.adam) => world.orchestrator.call(persona, 'POST', `/api/sync/chatwoot?tenantId=${encodeURIComponent(ACME)}`);
  const members = () => world.chatwoot.account(world.acme.accountId).members;
  const memberRole = (email: string) => {
    const user = world.chatwoot.userByEmail(email);
    return user ? members().get(user.id) : undefined;
  };
  const audit = () => world.orchestrator.db.store.tenant(ACME, (tx) => tx.selectFrom('audit_logs').select(['action', 'resource_id', 'new_value']).where('resource_type', '=', 'chatwoot_user').orderBy('seq').execute());
  const links = () => world.orchestrator.db.store.tenant(ACME, (tx) => withChatwootTables(tx).selectFrom('chatwoot_user_links').selectAll().orderBy('username').execute());

  it('is for admins only', async () => {
    expect((await sync(PERSONAS.alice)).status).toBe(403);
  });

  it('provisions the tenant\'s people with their roles, idempotently, with one audit entry each', async () => {
    const response = await sync();
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ tenantId: ACME, accountId: world.acme.accountId, added: ['adam.admin', 'alice.agent', 'carol.ceo'], changed: [], removed: [], unchanged: 0 });
    await world.settle();
    expect(memberRole('alice@acme.test')).toBe('agent');
    expect(memberRole('carol@acme.test')).toBe('agent');
    expect(memberRole('adam@acme.test')).toBe('administrator');
    expect(world.chatwoot.userByEmail('alice@acme.test')).toMatchObject({ name: 'Alice Agent', customAttributes: { keycloak_id: PERSONAS.alice.sub, keycloak_username: 'alice.agent' } });
    expect((await links()).every((l) => l.chatwoot_user_id !== null && l.delivered_at !== null)).toBe(true);
    expect((await audit()).map((a) => a.action)).toEqual(['chatwoot.user.provisioned', 'chatwoot.user.provisioned', 'chatwoot.user.provisioned']);

    const again = await sync();
    expect(await again.json()).toMatchObject({ added: [], changed: [], removed: [], unchanged: 3 });
    await world.settle();
    expect(await audit()).toHaveLength(3);
  });

  it('applies a change made in Keycloak (name, email, role) and corrects a role edited by hand in Chatwoot', async () => {
    keycloak.upsertUser({ id: PERSONAS.alice.sub, username: 'alice.agent', email: 'alice.new@acme.test', firstName: 'Alice', lastName: 'Lead', roles: ['manager'], groups: [ACME] });
    const response = await sync();
    expect(await response.json()).toMatchObject({ added: [], changed: ['alice.agent'], removed: [] });
    await world.settle();
    const alice = world.chatwoot.userByEmail('alice.new@acme.test');
    expect(alice).toMatchObject({ name: 'Alice Lead' });
    expect(members().get(alice!.id)).toBe('administrator');
    expect((await audit()).at(-1)).toMatchObject({ action: 'chatwoot.user.updated', resource_id: PERSONAS.alice.sub, new_value: { role: 'administrator', email: 'alice.new@acme.test' } });
  });

  it('removes people who left the tenant or were disabled, and only from this account', async () => {
    const carol = world.chatwoot.userByEmail('carol@acme.test')!;
    world.chatwoot.seedMembership(world.globex.accountId, carol.id, 'agent');
    keycloak.upsertUser({ id: PERSONAS.carol.sub, username: 'carol.ceo', email: 'carol@acme.test', roles: ['ceo'], groups: [] });
    keycloak.upsertUser({ id: PERSONAS.adam.sub, username: 'adam.admin', email: 'adam@acme.test', firstName: 'Adam', lastName: 'Admin', roles: ['admin'], groups: [ACME], enabled: false });
    const response = await sync();
    expect(await response.json()).toMatchObject({ added: [], changed: [], removed: ['adam.admin', 'carol.ceo'].sort() });
    await world.settle();
    expect(memberRole('carol@acme.test')).toBeUndefined();
    expect(memberRole('adam@acme.test')).toBeUndefined();
    expect(world.chatwoot.account(world.globex.accountId).members.get(carol.id)).toBe('agent');
    expect((await audit()).slice(-2).map((a) => a.action)).toEqual(['chatwoot.user.deprovisioned', 'chatwoot.user.deprovisioned']);
    expect((await links()).filter((l) => l.desired === 'removed').map((l) => l.username)).toEqual(['adam.admin', 'carol.ceo']);

    // Back in the group: provisioned again, as the same Chatwoot user.
    keycloak.upsertUser({ id: PERSONAS.carol.sub, username: 'carol.ceo', email: 'carol@acme.test', roles: ['ceo'], groups: [ACME] });
    expect(await (await sync()).json()).toMatchObject({ added: ['carol.ceo'] });
    await world.settle();
    expect(memberRole('carol@acme.test')).toBe('agent');
    expect(world.chatwoot.userByEmail('carol@acme.test')!.id).toBe(carol.id);
  });

  it('answers 409 for a tenant without a Chatwoot account', async () => {
    const response = await world.orchestrator.call(PERSONAS.alice, 'POST', `/api/sync/chatwoot?tenantId=${encodeURIComponent(PERSONAS.alice.sub)}`);
    expect(response.status).toBe(403); // personal tenant of alice: not an admin
    const teams = await world.orchestrator.call({ ...PERSONAS.adam, groups: [...PERSONAS.adam.groups, '/teams/support'] }, 'POST', `/api/sync/chatwoot?tenantId=${encodeURIComponent('/teams/support')}`);
    expect(teams.status).toBe(409);
    expect(((await teams.json()) as { error: string }).error).toMatch(/bootstrap/);
  });
});
