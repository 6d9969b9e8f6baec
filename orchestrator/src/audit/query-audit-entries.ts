import type { SelectQueryBuilder } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { toAuditEntry, type AuditEntry } from './audit-entry.ts';
import type { AuditFilter } from './audit-schemas.ts';

type AuditQuery = SelectQueryBuilder<Database, 'audit_logs', object>;

function applyFilter(query: AuditQuery, tenantId: string, filter: AuditFilter): AuditQuery {
  let q = query.where('tenant_id', '=', tenantId);
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.resourceType) q = q.where('resource_type', '=', filter.resourceType);
  if (filter.resourceId) q = q.where('resource_id', '=', filter.resourceId);
  if (filter.from) q = q.where('created_at', '>=', new Date(filter.from));
  if (filter.to) q = q.where('created_at', '<', new Date(filter.to));
  return q;
}

/** Newest first; the cursor is the last seq seen. */
export async function listAuditEntries(tx: Tx, tenantId: string, filter: AuditFilter & { cursor?: number | undefined; limit: number }) {
  let query = applyFilter(tx.selectFrom('audit_logs'), tenantId, filter);
  if (filter.cursor) query = query.where('seq', '<', filter.cursor);
  const rows = await query.selectAll().orderBy('seq', 'desc').limit(filter.limit + 1).execute();
  const items = rows.slice(0, filter.limit).map(toAuditEntry);
  const nextCursor = rows.length > filter.limit ? items[items.length - 1]!.seq : null;
  return { items, nextCursor };
}

export async function listResourceHistory(tx: Tx, tenantId: string, resourceType: string, resourceId: string): Promise<AuditEntry[]> {
  const rows = await tx
    .selectFrom('audit_logs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .orderBy('seq', 'asc')
    .limit(1000)
    .execute();
  return rows.map(toAuditEntry);
}

/** Oldest first, in pages, for streaming exports without holding the trail in memory. */
export async function* iterateAuditEntries(tx: Tx, tenantId: string, filter: AuditFilter, pageSize = 500): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const rows = await applyFilter(tx.selectFrom('audit_logs'), tenantId, filter)
      .where('seq', '>', after)
      .selectAll()
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield toAuditEntry(row);
    if (rows.length < pageSize) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}
