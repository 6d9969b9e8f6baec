import { sql, type Selectable } from 'kysely';
import type { RealmRole } from '@wrrk/keycloak/principal.ts';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import type { Actor, RequestOrigin } from '../audit/audit-entry.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import type { DirectoryUser } from '../directory/user-directory.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { CHATWOOT_TARGET, OPERATIONS } from './chatwoot-planner.ts';
import { withChatwootTables, type ChatwootRole, type ChatwootUserLinksTable } from './chatwoot-schema.ts';

/**
 * Identity flows downward: the members of a tenant with a wrrk role become users of the
 * tenant's Chatwoot account, with a Chatwoot role derived from their Keycloak roles; people
 * who leave the tenant, lose their roles or are disabled are removed from the account. The
 * plan is computed here (a pure diff), recorded as the mapping's desired state with an audit
 * entry per change, and carried out by the outbox (Platform API calls, retried safely).
 */

export type UserLink = Selectable<ChatwootUserLinksTable>;

/** Admins and managers administer the Chatwoot account; agents and the CEO work in it. */
export function chatwootRoleFor(roles: readonly RealmRole[]): ChatwootRole | null {
  if (roles.includes('admin') || roles.includes('manager')) return 'administrator';
  if (roles.includes('agent') || roles.includes('ceo')) return 'agent';
  return null;
}

export interface DesiredUser {
  keycloakUserId: string;
  username: string;
  name: string;
  email: string;
  role: ChatwootRole;
}

export interface ProvisioningPlan {
  add: DesiredUser[];
  change: Array<{ before: UserLink; after: DesiredUser }>;
  remove: UserLink[];
  unchanged: number;
  /** Members who qualify but cannot be provisioned (Chatwoot needs an email). */
  skipped: Array<{ keycloakUserId: string; username: string; reason: string }>;
}

export function planProvisioning(links: readonly UserLink[], members: readonly DirectoryUser[]): ProvisioningPlan {
  const plan: ProvisioningPlan = { add: [], change: [], remove: [], unchanged: 0, skipped: [] };
  const wanted = new Map<string, DesiredUser>();
  for (const member of members) {
    const role = member.enabled ? chatwootRoleFor(member.roles) : null;
    if (!role) continue;
    if (!member.email) {
      plan.skipped.push({ keycloakUserId: member.id, username: member.username, reason: 'no email address in Keycloak' });
      continue;
    }
    wanted.set(member.id, { keycloakUserId: member.id, username: member.username, name: member.name, email: member.email.toLowerCase(), role });
  }
  const linked = new Map(links.map((link) => [link.keycloak_user_id, link]));
  for (const desired of wanted.values()) {
    const link = linked.get(desired.keycloakUserId);
    if (!link || link.desired === 'removed') plan.add.push(desired);
    else if (link.name !== desired.name || link.email !== desired.email || link.role !== desired.role || link.username !== desired.username) plan.change.push({ before: link, after: desired });
    else plan.unchanged += 1;
  }
  for (const link of links) if (link.desired === 'active' && !wanted.has(link.keycloak_user_id)) plan.remove.push(link);
  return plan;
}

export interface ProvisioningSummary {
  tenantId: string;
  accountId: number;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  skipped: ProvisioningPlan['skipped'];
}

const snapshot = (user: { username: string; name: string; email: string; role: ChatwootRole }) => ({ username: user.username, name: user.name, email: user.email, role: user.role });

/** Records the plan in the tenant's transaction: mapping rows, one audit entry per change, outbox rows. */
export async function applyProvisioningPlan(work: TenantWork, accountId: number, members: readonly DirectoryUser[], actor: Actor, origin: RequestOrigin): Promise<ProvisioningSummary> {
  const tx = withChatwootTables(work.tx);
  // Two syncs of one tenant (a click during the scheduled run) take turns instead of both adding.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`chatwoot-provisioning:${work.tenantId}`}, 0))`.execute(work.tx);
  const links = await tx.selectFrom('chatwoot_user_links').selectAll().where('tenant_id', '=', work.tenantId).orderBy('username').forUpdate().execute();
  // A tenant moved to another Chatwoot account starts over there.
  const current = links.map((link) => (link.account_id === accountId ? link : { ...link, desired: 'removed' as const }));
  const plan = planProvisioning(current, [...members].sort((a, b) => a.username.localeCompare(b.username)));
  const now = new Date();
  const summary: ProvisioningSummary = { tenantId: work.tenantId, accountId, added: [], changed: [], removed: [], unchanged: plan.unchanged, skipped: plan.skipped };
  const enqueue = (keycloakUserId: string) =>
    enqueueOutbox(work.tx, [{ tenantId: work.tenantId, target: CHATWOOT_TARGET, operation: OPERATIONS.syncUser, payload: { keycloakUserId }, orderKey: `chatwoot:user:${work.tenantId}:${keycloakUserId}` }]);
  const audit = (action: string, resourceId: string, oldValue: unknown, newValue: unknown) =>
    appendAuditEntry(work, { actor, action, resourceType: 'chatwoot_user', resourceId, oldValue, newValue, metadata: { accountId }, origin }, now);

  for (const user of [...plan.add, ...plan.change.map((c) => c.after)]) {
    const before = links.find((l) => l.keycloak_user_id === user.keycloakUserId);
    const values = { account_id: accountId, username: user.username, name: user.name, email: user.email, role: user.role, desired: 'active' as const, updated_at: now };
    await tx
      .insertInto('chatwoot_user_links')
      .values({ tenant_id: work.tenantId, keycloak_user_id: user.keycloakUserId, ...values, delivered_at: null })
      // Moving accounts forgets the old Chatwoot id only if it was another account's.
      .onConflict((oc) => oc.columns(['tenant_id', 'keycloak_user_id']).doUpdateSet({ ...values, delivered_at: null }))
      .execute();
    const added = !before || before.desired === 'removed' || before.account_id !== accountId;
    await audit(added ? 'chatwoot.user.provisioned' : 'chatwoot.user.updated', user.keycloakUserId, before && !added ? snapshot(before) : null, snapshot(user));
    await enqueue(user.keycloakUserId);
    (added ? summary.added : summary.changed).push(user.username);
  }
  for (const link of plan.remove) {
    const original = links.find((l) => l.keycloak_user_id === link.keycloak_user_id)!;
    if (original.desired === 'removed') continue;
    await tx.updateTable('chatwoot_user_links').set({ desired: 'removed', delivered_at: null, updated_at: now }).where('tenant_id', '=', work.tenantId).where('keycloak_user_id', '=', link.keycloak_user_id).execute();
    await audit('chatwoot.user.deprovisioned', link.keycloak_user_id, snapshot(original), null);
    await enqueue(link.keycloak_user_id);
    summary.removed.push(link.username);
  }
  return summary;
}
