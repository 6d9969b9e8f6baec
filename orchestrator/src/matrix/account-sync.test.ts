import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ACME, GLOBEX, PERSONAS, type Persona } from '../testing/test-issuer.ts';
import { startTestOrchestrator } from '../testing/test-orchestrator.ts';
import { inTenant } from '../db/tenant-work.ts';
import { requestAccountSync } from './account-sync-requests.ts';
import { queueScheduledSyncs } from './account-sync-scheduler.ts';
import { setUpMatrix } from './matrix-setup.ts';
import { syncTenantAccounts } from './account-sync.ts';
import { createHomeserverClient, tenantRoomPowerLevels } from './homeserver-client.ts';
import { SERVER_NAME, startMatrixKit, type MatrixKit } from './testing/matrix-test-kit.ts';

const { alice, mark, carol, adam, olga } = PERSONAS;
const SUPPORT = '/teams/support';
const mxid = (p: Persona) => `@${p.username}:${SERVER_NAME}`;
const q = (tenant: string) => `tenantId=${encodeURIComponent(tenant)}`;
let kit: MatrixKit;

beforeAll(async () => {
  kit = await startMatrixKit();
});
afterAll(() => kit.close());

/** As adam (acme's admin) would through the API; other tenants as the schedule does. */
async function sync(tenant: string) {
  if (tenant === ACME) {
    const res = await kit.t.call(adam, 'POST', `/api/sync/matrix?${q(tenant)}`);
    expect(res.status).toBe(202);
  } else {
    await inTenant(kit.t.deps, tenant, (work) => requestAccountSync(work));
  }
  await kit.settle();
}

const adminWrites = () => kit.hs.requests.filter((r) => r.path.startsWith('/_synapse/admin') && r.method !== 'GET');
const auditActions = (tenant: string) =>
  kit.t.db.store.tenant(tenant, (tx) => tx.selectFrom('audit_logs').select(['action', 'resource_id as resourceId']).where('tenant_id', '=', tenant).orderBy('seq').execute());

describe('POST /api/sync/matrix', () => {
  it('is for admins of the tenant, organisations and teams only', async () => {
    expect((await kit.t.call(carol, 'POST', `/api/sync/matrix?${q(ACME)}`)).status).toBe(403);
    expect((await kit.t.call(adam, 'POST', `/api/sync/matrix?${q(GLOBEX)}`)).status).toBe(403); // not his tenant
    const personal = await kit.t.call(adam, 'POST', `/api/sync/matrix?${q(adam.sub)}`);
    expect(personal.status).toBe(400);
    expect(await personal.json()).toMatchObject({ error: expect.stringMatching(/personal tenant/), timestamp: expect.any(String), requestId: expect.any(String) });
  });

  it('names the missing configuration instead of failing', async () => {
    const bare = await startTestOrchestrator({ db: kit.t.db, issuer: kit.t.issuer });
    const res = await bare.call(adam, 'POST', `/api/sync/matrix?${q(ACME)}`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('MATRIX_HOMESERVER_URL') });
    await bare.shutdown();
    const noAdmin = await startMatrixKit({ withAdminToken: false, reuse: kit.t });
    const res2 = await noAdmin.t.call(adam, 'POST', `/api/sync/matrix?${q(ACME)}`);
    expect(res2.status).toBe(503);
    expect(await res2.json()).toMatchObject({ error: expect.stringContaining('MATRIX_ADMIN_TOKEN'), details: { missing: ['MATRIX_ADMIN_TOKEN'] } });
    await noAdmin.close();
  });
});

describe('provisioning from Keycloak', () => {
  it('creates SSO-linked accounts, the tenant room with the bot as admin, and invites the staff', async () => {
    await sync(ACME);
    for (const p of [alice, mark, carol, adam]) {
      const user = kit.hs.users.get(mxid(p));
      expect(user, p.username).toBeDefined();
      expect(user).toMatchObject({ displayname: p.name, deactivated: false, external_ids: [{ auth_provider: 'oidc-keycloak', external_id: p.sub }] });
      expect(user!.threepids.map((t) => t.address)).toEqual([p.email]);
    }
    expect(kit.hs.users.has(mxid(olga))).toBe(false); // globex is not acme

    const roomId = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
    expect(roomId).toBeDefined();
    expect(kit.hs.stateContent(roomId, 'm.room.power_levels')).toMatchObject({ users: { [kit.hs.botUserId]: 100 }, events: tenantRoomPowerLevels(kit.hs.botUserId).events });
    expect(kit.hs.stateContent(roomId, 'm.room.encryption')).toBeUndefined();
    expect(kit.hs.stateContent(roomId, 'm.room.join_rules')).toEqual({ join_rule: 'invite' });
    expect(kit.hs.stateContent(roomId, 'm.room.name')).toEqual({ name: 'Acme Corp' });
    for (const p of [alice, mark, carol, adam]) expect(kit.hs.membership(roomId, mxid(p))).toBe('invite');

    const stored = await kit.t.db.store.tenant(ACME, (tx) => tx.selectFrom('tenant_settings').select('matrix_room_id').where('tenant_id', '=', ACME).executeTakeFirst());
    expect(stored?.matrix_room_id).toBe(roomId);
    const actions = (await auditActions(ACME)).map((e) => e.action);
    expect(actions.filter((a) => a === 'matrix.account.created')).toHaveLength(4);
    expect(actions.filter((a) => a === 'matrix.member.invited')).toHaveLength(4);
    expect(actions).toContain('matrix.room.created');
    expect(actions).toContain('matrix.sync.requested');
  });

  it('changes nothing when run again', async () => {
    const writes = adminWrites().length;
    const audit = (await auditActions(ACME)).length;
    const invites = kit.hs.requests.filter((r) => r.path.endsWith('/invite')).length;
    await sync(ACME);
    expect(adminWrites().length).toBe(writes);
    expect(kit.hs.requests.filter((r) => r.path.endsWith('/invite')).length).toBe(invites);
    expect((await auditActions(ACME)).length).toBe(audit + 1); // only the request itself
  });

  it('removes someone who left a tenant from its room, and deactivates them once they belong nowhere', async () => {
    await sync(SUPPORT); // alice is in acme and in the support team
    const acmeRoom = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
    const supportRoom = kit.hs.aliases.get(`#wrrk_team_support:${SERVER_NAME}`)!;
    kit.hs.join(mxid(alice), acmeRoom);
    kit.hs.join(mxid(alice), supportRoom);

    kit.setPerson(alice, { groups: [SUPPORT] });
    await sync(ACME);
    expect(kit.hs.membership(acmeRoom, mxid(alice))).toBe('leave');
    expect(kit.hs.users.get(mxid(alice))?.deactivated).toBe(false); // still in the support team
    expect(kit.hs.membership(supportRoom, mxid(alice))).toBe('join');

    kit.setPerson(alice, { groups: [] });
    await sync(SUPPORT);
    expect(kit.hs.users.get(mxid(alice))?.deactivated).toBe(true);
    expect(kit.hs.requests.filter((r) => decodeURIComponent(r.path) === `/_synapse/admin/v1/deactivate/${mxid(alice)}`)).toHaveLength(1);
    const actions = (await auditActions(SUPPORT)).filter((e) => e.resourceId === mxid(alice)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['matrix.member.removed', 'matrix.account.deactivated']));

    // Back in acme: reactivated and invited again, same account.
    kit.setPerson(alice, { groups: [ACME] });
    await sync(ACME);
    expect(kit.hs.users.get(mxid(alice))).toMatchObject({ deactivated: false, external_ids: [{ auth_provider: 'oidc-keycloak', external_id: alice.sub }] });
    // With local password login on, Synapse wants a password to reactivate: a random one was set.
    expect(kit.hs.hasPassword(mxid(alice))).toBe(true);
    expect(kit.hs.membership(acmeRoom, mxid(alice))).toBe('invite');
    expect((await auditActions(ACME)).filter((e) => e.resourceId === mxid(alice)).map((e) => e.action)).toContain('matrix.account.updated');
  });

  it('deactivates at once someone disabled in Keycloak', async () => {
    const acmeRoom = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
    kit.hs.join(mxid(mark), acmeRoom);
    kit.setPerson(mark, { enabled: false });
    await sync(ACME);
    expect(kit.hs.users.get(mxid(mark))?.deactivated).toBe(true);
    expect(kit.hs.membership(acmeRoom, mxid(mark))).toBe('leave');
    kit.setPerson(mark, { enabled: true });
  });

  it('keeps a renamed user on the Matrix account they already have', async () => {
    kit.setPerson(carol, { username: 'carol.chief' });
    await sync(ACME);
    expect(kit.hs.users.has(`@carol.chief:${SERVER_NAME}`)).toBe(false);
    const row = await kit.t.db.store.tenant(ACME, (tx) => tx.selectFrom('matrix_accounts').selectAll().where('user_id', '=', carol.sub).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ matrix_user_id: mxid(carol), username: 'carol.chief', status: 'active' });
    kit.setPerson(carol, { username: carol.username });
  });

  it('never takes over an account linked to another Keycloak user, or made by hand (a server admin)', async () => {
    kit.hs.registerUser(`@olga.agent:${SERVER_NAME}`, { external_ids: [{ auth_provider: 'oidc-keycloak', external_id: 'someone-else' }], displayname: 'Not Olga' });
    kit.hs.registerUser(`@gus.ceo:${SERVER_NAME}`, { admin: true, displayname: 'The server admin' }); // register_new_matrix_user -a
    const report = await syncTenantAccounts({ store: kit.t.db.store, events: kit.t.deps.events, hs: createHomeserverClient(kit.settings), directory: kit.directory, settings: kit.settings }, GLOBEX);
    expect(report.conflicts).toEqual([
      { matrixUserId: `@gus.ceo:${SERVER_NAME}`, reason: 'created outside wrrk (no Keycloak link)', linkedTo: null },
      { matrixUserId: mxid(olga), reason: 'linked to another Keycloak user', linkedTo: 'someone-else' },
    ]);
    expect(kit.hs.users.get(`@gus.ceo:${SERVER_NAME}`)).toMatchObject({ admin: true, external_ids: [], displayname: 'The server admin' });
    expect(kit.hs.users.get(mxid(olga))).toMatchObject({ displayname: 'Not Olga', external_ids: [{ external_id: 'someone-else' }] });
    expect(kit.hs.membership(report.roomId, mxid(olga))).toBe('leave');
  });
});

describe('the bootstrap\'s one-shot setup', () => {
  it('gives every organisation and team its room and accounts, and changes nothing the second time', async () => {
    const deps = { config: kit.t.deps.config, store: kit.t.db.store, events: kit.t.deps.events, logger: pino({ level: 'silent' }) };
    const first = await setUpMatrix(deps);
    expect(first.map((r) => r.error)).toEqual(first.map(() => null));
    expect(first.map((r) => r.tenantId)).toEqual(expect.arrayContaining([ACME, GLOBEX, SUPPORT]));
    expect(first.find((r) => r.tenantId === ACME)?.roomId).toBe(kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`));
    const writes = adminWrites().length;
    const second = await setUpMatrix(deps);
    expect(second.every((r) => r.accounts && r.accounts.created.length + r.accounts.updated.length + r.accounts.invited.length + r.accounts.removed.length === 0)).toBe(true);
    expect(adminWrites().length).toBe(writes);
  });
});

describe('the schedule', () => {
  it('queues one sync per tenant and interval, however many instances ask', async () => {
    const deps = { store: kit.t.db.store, events: kit.t.deps.events, directory: kit.directory, settings: kit.settings, logger: pino({ level: 'silent' }) };
    const at = new Date('2030-01-01T00:00:00Z');
    const tenants = await queueScheduledSyncs(deps, 900, at);
    await queueScheduledSyncs(deps, 900, new Date(at.getTime() + 60_000));
    expect(tenants).toEqual(expect.arrayContaining([ACME, GLOBEX])); // the support team is empty by now
    const rows = await kit.t.db.store.system((tx) => tx.selectFrom('outbox').select(['tenant_id', 'dedupe_key']).where('operation', '=', 'accounts.sync').where('status', '=', 'pending').execute());
    for (const tenant of tenants) expect(rows.filter((r) => r.tenant_id === tenant)).toHaveLength(1);
    await kit.settle();
  });
});
