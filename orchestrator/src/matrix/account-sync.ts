import { randomBytes } from 'node:crypto';
import { MatrixError } from 'matrix-js-sdk';
import type { Logger } from 'pino';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import { NO_ORIGIN, SYSTEM_ACTOR, type Actor } from '../audit/audit-entry.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import { inTenant, type WorkDeps } from '../db/tenant-work.ts';
import { planAccount, planMembership, type ProvisionedAccount } from './account-sync-plan.ts';
import type { AdminApi, AdminUserUpdate, HomeserverClient } from './homeserver-client.ts';
import type { MatrixSettings } from './matrix-settings.ts';
import { ensureTenantRoom } from './tenant-room.ts';
import './matrix-tables.ts';

/**
 * Identity flows downward: one tenant's Keycloak members get Matrix accounts (Synapse Admin
 * API, linked to their Keycloak subject for SSO) and an invitation to the tenant's room; people
 * who left the tenant leave the room, and their account is deactivated once they belong to no
 * tenant at all (or at once when Keycloak disabled them). Safe to repeat: every step compares
 * before it writes, and each change is audited in the tenant's trail.
 */
export class SyncNotPossible extends Error {}

export interface AccountSyncDeps extends WorkDeps {
  hs: HomeserverClient;
  directory: UserDirectory | null | undefined;
  settings: MatrixSettings;
  logger?: Logger | undefined;
}

export interface AccountSyncReport {
  tenantId: string;
  roomId: string;
  created: string[];
  updated: string[];
  invited: string[];
  removed: string[];
  deactivated: string[];
  conflicts: Array<{ matrixUserId: string; reason: string; linkedTo: string | null }>;
  unchanged: number;
}

async function provisionedAccounts(deps: WorkDeps, tenantId: string): Promise<ProvisionedAccount[]> {
  const rows = await deps.store.tenant(tenantId, (tx) => tx.selectFrom('matrix_accounts').selectAll().where('tenant_id', '=', tenantId).execute());
  return rows.map((r) => ({ userId: r.user_id, username: r.username, matrixUserId: r.matrix_user_id, status: r.status }));
}

/** Matrix ids handed out before, in any tenant (a worker-role read). */
async function knownMatrixIds(deps: WorkDeps, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await deps.store.system((tx) => tx.selectFrom('matrix_accounts').select(['user_id', 'matrix_user_id', 'updated_at']).where('user_id', 'in', userIds).orderBy('updated_at', 'asc').execute());
  return new Map(rows.map((r) => [r.user_id, r.matrix_user_id]));
}

async function activeElsewhere(deps: WorkDeps, userId: string, tenantId: string): Promise<boolean> {
  const row = await deps.store.system((tx) =>
    tx.selectFrom('matrix_accounts').select('tenant_id').where('user_id', '=', userId).where('status', '=', 'active').where('tenant_id', '!=', tenantId).executeTakeFirst(),
  );
  return Boolean(row);
}

/**
 * Synapse refuses to reactivate an account without a new password while local password login
 * is on (homeserver.yaml `password_config.localdb_enabled`), and refuses any password while it
 * is off. So: try without; if asked for one, set a random one nobody ever learns (these people
 * sign in with Keycloak).
 */
async function putUser(admin: AdminApi, matrixUserId: string, update: AdminUserUpdate) {
  try {
    return await admin.putUser(matrixUserId, update);
  } catch (error) {
    const wantsPassword = error instanceof MatrixError && error.httpStatus === 400 && /password/i.test(String(error.data?.error ?? error.message));
    if (update.deactivated !== false || !wantsPassword) throw error;
    return admin.putUser(matrixUserId, { ...update, password: `${randomBytes(32).toString('base64url')}Aa1!`, logout_devices: true });
  }
}

export async function syncTenantAccounts(deps: AccountSyncDeps, tenantId: string, actor: Actor = SYSTEM_ACTOR): Promise<AccountSyncReport> {
  const { hs, settings } = deps;
  if (!hs.admin) throw new SyncNotPossible('Matrix provisioning needs a Synapse server-admin token: set MATRIX_ADMIN_TOKEN');
  if (!deps.directory) throw new SyncNotPossible('Matrix provisioning needs the Keycloak user directory (set ORCHESTRATOR_CLIENT_SECRET for the orchestrator service account)');
  const admin = hs.admin;

  const tenants = await deps.directory.listTenants();
  // A tenant deleted in Keycloak has no members any more: everyone leaves its room.
  const members = tenants.some((t) => t.id === tenantId) ? await deps.directory.listTenantMembers(tenantId) : [];
  const provisioned = await provisionedAccounts(deps, tenantId);
  const plan = planMembership(members, provisioned, await knownMatrixIds(deps, members.map((m) => m.id)), settings.serverName);

  const report: AccountSyncReport = { tenantId, roomId: '', created: [], updated: [], invited: [], removed: [], deactivated: [], conflicts: [], unchanged: 0 };
  const audit = (action: string, resourceId: string, values: { oldValue?: unknown; newValue?: unknown }, work: Parameters<typeof appendAuditEntry>[0]) =>
    appendAuditEntry(work, { actor, action, resourceType: 'matrix_account', resourceId, ...values, origin: NO_ORIGIN });

  // 1. Accounts on the homeserver.
  const ready: typeof plan.wanted = [];
  for (const wanted of plan.wanted) {
    const { user, matrixUserId } = wanted;
    const action = planAccount(user, await admin.getUser(matrixUserId), settings.ssoProvider);
    if (action.kind === 'conflict') {
      report.conflicts.push({ matrixUserId, reason: action.reason, linkedTo: action.linkedTo });
      deps.logger?.warn({ tenantId, matrixUserId, keycloakId: user.id, reason: action.reason, linkedTo: action.linkedTo }, 'matrix account is not ours to manage; not provisioning');
      continue;
    }
    if (action.kind !== 'unchanged') await putUser(admin, matrixUserId, action.update);
    const existing = provisioned.find((p) => p.userId === user.id);
    const rowChanged = !existing || existing.status !== 'active' || existing.username !== user.username || existing.matrixUserId !== matrixUserId;
    if (action.kind === 'unchanged' && !rowChanged) {
      report.unchanged += 1;
    } else {
      await inTenant(deps, tenantId, async (work) => {
        const now = new Date();
        await work.tx
          .insertInto('matrix_accounts')
          .values({ tenant_id: tenantId, user_id: user.id, username: user.username, matrix_user_id: matrixUserId, display_name: user.name, status: 'active', updated_at: now })
          .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ username: user.username, matrix_user_id: matrixUserId, display_name: user.name, status: 'active', updated_at: now }))
          .execute();
        const verb = action.kind === 'create' ? 'matrix.account.created' : action.kind === 'update' ? 'matrix.account.updated' : 'matrix.account.linked';
        // `linked`: the account existed with this person's link (their SSO sign-in made it).
        await audit(verb, matrixUserId, {
          oldValue: existing ? { status: existing.status, username: existing.username } : null,
          newValue: { userId: user.id, username: user.username, displayName: user.name, ...(action.kind === 'update' ? { changes: action.changes } : {}) },
        }, work);
      });
      (action.kind === 'create' ? report.created : report.updated).push(matrixUserId);
    }
    ready.push(wanted);
  }

  // 2. The tenant's room: created with everyone invited, or invitations for newcomers.
  const { roomId, created } = await ensureTenantRoom(deps, hs, settings, tenantId, { invite: ready.map((w) => w.matrixUserId), actor });
  report.roomId = roomId;
  const membership = await hs.members(roomId);
  const invitedNow: string[] = [];
  for (const { matrixUserId } of ready) {
    const state = membership.get(matrixUserId);
    if (state === 'join' || state === 'invite') {
      if (created) invitedNow.push(matrixUserId);
      continue;
    }
    if (state === 'ban') continue; // a room moderator banned them: not ours to undo
    await hs.invite(roomId, matrixUserId);
    invitedNow.push(matrixUserId);
  }
  if (invitedNow.length > 0) {
    await inTenant(deps, tenantId, async (work) => {
      for (const matrixUserId of invitedNow) await audit('matrix.member.invited', matrixUserId, { newValue: { roomId } }, work);
    });
    report.invited.push(...invitedNow);
  }

  // 3. People who left the tenant: out of the room; deactivated when they belong nowhere.
  for (const leaving of plan.leaving) {
    const state = membership.get(leaving.matrixUserId);
    if (state === 'join' || state === 'invite') await hs.kick(roomId, leaving.matrixUserId, 'no longer a member of this tenant in Keycloak');
    const deactivate = leaving.disabled || !(await activeElsewhere(deps, leaving.userId, tenantId));
    if (deactivate) {
      const current = await admin.getUser(leaving.matrixUserId);
      if (current && !current.deactivated) await admin.deactivateUser(leaving.matrixUserId);
    }
    await inTenant(deps, tenantId, async (work) => {
      await work.tx.updateTable('matrix_accounts').set({ status: 'removed', updated_at: new Date() }).where('tenant_id', '=', tenantId).where('user_id', '=', leaving.userId).execute();
      await audit('matrix.member.removed', leaving.matrixUserId, { oldValue: { status: 'active' }, newValue: { status: 'removed', roomId, reason: leaving.disabled ? 'disabled in Keycloak' : 'left the tenant' } }, work);
      if (deactivate) await audit('matrix.account.deactivated', leaving.matrixUserId, { newValue: { deactivated: true } }, work);
    });
    report.removed.push(leaving.matrixUserId);
    if (deactivate) report.deactivated.push(leaving.matrixUserId);
  }
  return report;
}
