import type { Selectable } from 'kysely';
import { z } from '@hono/zod-openapi';
import type { Tx } from '../db/database.ts';
import type { OutboxTable, OutboxStatus } from '../db/schema.ts';

export const OutboxEntrySchema = z
  .object({
    id: z.uuid(),
    tenantId: z.string(),
    target: z.string(),
    operation: z.string(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi('OutboxEntry');

export type OutboxEntry = z.infer<typeof OutboxEntrySchema>;

export function toOutboxEntry(row: Selectable<OutboxTable>): OutboxEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    target: row.target,
    operation: row.operation,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    payload: row.payload,
  };
}

export async function listOutbox(tx: Tx, tenantId: string, filter: { status?: OutboxStatus | undefined; target?: string | undefined; limit: number }) {
  let query = tx.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.target) query = query.where('target', '=', filter.target);
  const rows = await query.orderBy('created_at', 'desc').limit(filter.limit).execute();
  return rows.map(toOutboxEntry);
}

/** A dead row starts over: a fresh retry schedule, due now. */
export async function retryOutboxRow(tx: Tx, tenantId: string, id: string): Promise<(OutboxEntry & { lastError: string | null }) | 'not_found' | 'not_dead'> {
  const row = await tx.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) return 'not_found';
  if (row.status !== 'dead') return 'not_dead';
  const now = new Date();
  const updated = await tx
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toOutboxEntry(updated), lastError: row.last_error };
}
