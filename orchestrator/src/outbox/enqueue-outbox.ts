import type { Tx } from '../db/database.ts';

/** One outbound call to an integrated system, delivered later by the outbox worker. */
export interface OutboxDraft {
  tenantId: string;
  /** The system, e.g. `chatwoot`, `matrix`. The worker routes on it. */
  target: string;
  /** What to do there, e.g. `conversation.note`. */
  operation: string;
  payload: Record<string, unknown>;
  /** Same key twice is one delivery (e.g. redelivered webhooks planning the same note). */
  dedupeKey?: string;
  notBefore?: Date;
  /** Rows with the same key are delivered one at a time, oldest first (e.g. `chatwoot:conv:12`). */
  orderKey?: string;
}

/** Written in the caller's transaction: the change and its outbound calls commit together. */
export async function enqueueOutbox(tx: Tx, drafts: OutboxDraft[]): Promise<number> {
  if (drafts.length === 0) return 0;
  const now = new Date();
  const result = await tx
    .insertInto('outbox')
    .values(
      drafts.map((draft) => ({
        tenant_id: draft.tenantId,
        target: draft.target,
        operation: draft.operation,
        payload: JSON.stringify(draft.payload),
        dedupe_key: draft.dedupeKey ?? null,
        order_key: draft.orderKey ?? null,
        next_attempt_at: draft.notBefore ?? now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
