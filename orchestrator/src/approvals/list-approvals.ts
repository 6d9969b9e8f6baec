import type { Tx } from '../db/database.ts';
import type { ApprovalStatus, Priority } from '../db/schema.ts';
import { decodeCursor, encodeCursor } from '../http/keyset-cursor.ts';
import { toApproval, type Approval } from './approval-model.ts';

export interface ApprovalListFilter {
  status?: ApprovalStatus[] | undefined;
  priority?: Priority[] | undefined;
  requestedBy?: string | undefined;
  /** `newest`: created, newest first. `due`: the CEO's queue order, soonest due first. */
  sort: 'newest' | 'due';
  cursor?: string | undefined;
  limit: number;
}

/** Keyset pagination: stable under inserts, and cheap on the (tenant, created_at, id) index. */
export async function listApprovals(tx: Tx, tenantId: string, filter: ApprovalListFilter): Promise<{ items: Approval[]; nextCursor: string | null }> {
  let query = tx.selectFrom('approvals').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.priority?.length) query = query.where('priority', 'in', filter.priority);
  if (filter.requestedBy) query = query.where('requested_by', '=', filter.requestedBy);

  const column = filter.sort === 'due' ? 'due_at' : 'created_at';
  const direction = filter.sort === 'due' ? 'asc' : 'desc';
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    const at = cursor.at;
    query = query.where((eb) =>
      direction === 'asc'
        ? eb.or([eb(column, '>', at), eb.and([eb(column, '=', at), eb('id', '>', cursor.id)])])
        : eb.or([eb(column, '<', at), eb.and([eb(column, '=', at), eb('id', '<', cursor.id)])]),
    );
  }
  const rows = await query.orderBy(column, direction).orderBy('id', direction).limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toApproval),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ at: last[column], id: last.id }) : null,
  };
}
