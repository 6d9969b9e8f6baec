import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import { SYSTEM_ACTOR, type Actor, type RequestOrigin } from '../audit/audit-entry.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { MATRIX_TARGET, SYNC_ACCOUNTS } from './matrix-planner.ts';

/**
 * Asks for one tenant's Matrix accounts to be synchronised. The work itself calls Synapse and
 * Keycloak, so it runs from the outbox (retries, dead letters, visible to admins), never inside
 * a request. A request while one is still waiting joins it instead of queueing another.
 */
export interface SyncRequest {
  outboxId: string;
  tenantId: string;
  status: 'pending' | 'delivered' | 'dead';
  duplicate: boolean;
}

export interface SyncRequestOptions {
  actor?: Actor;
  origin?: RequestOrigin;
  /** Scheduled requests use one key per interval, so several instances queue one sync. */
  dedupeKey?: string;
}

export async function requestAccountSync(work: TenantWork, options: SyncRequestOptions = {}): Promise<SyncRequest> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  const { tx, tenantId } = work;
  const waiting = await tx
    .selectFrom('outbox')
    .select(['id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('target', '=', MATRIX_TARGET)
    .where('operation', '=', SYNC_ACCOUNTS)
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .orderBy('created_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  if (waiting) return { outboxId: waiting.id, tenantId, status: waiting.status, duplicate: true };

  const key = options.dedupeKey ?? `matrix:accounts.sync:${tenantId}:${crypto.randomUUID()}`;
  const inserted = await enqueueOutbox(tx, [
    { tenantId, target: MATRIX_TARGET, operation: SYNC_ACCOUNTS, payload: { requestedBy: { id: actor.id, name: actor.name } }, dedupeKey: key, orderKey: `matrix-sync:${tenantId}` },
  ]);
  const row = await tx.selectFrom('outbox').select(['id', 'status']).where('dedupe_key', '=', key).executeTakeFirstOrThrow();
  // A person asking is worth a line in the trail; the schedule is not (its changes are).
  if (inserted > 0 && options.origin) {
    await appendAuditEntry(work, { actor, action: 'matrix.sync.requested', resourceType: 'matrix_sync', resourceId: row.id, newValue: { tenantId }, origin: options.origin });
  }
  return { outboxId: row.id, tenantId, status: row.status, duplicate: inserted === 0 };
}
