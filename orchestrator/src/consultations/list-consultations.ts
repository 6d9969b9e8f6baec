import type { Tx } from '../db/database.ts';
import { decodeCursor, encodeCursor } from '../http/keyset-cursor.ts';
import { toConsultation, type Consultation } from './consultation-model.ts';
import type { ConsultationStatus } from './consultation-rules.ts';

export interface ConsultationListFilter {
  status?: ConsultationStatus[] | undefined;
  approvalId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first, keyset-paginated on the (tenant, created_at, id) index. */
export async function listConsultations(tx: Tx, tenantId: string, filter: ConsultationListFilter): Promise<{ items: Consultation[]; nextCursor: string | null }> {
  let query = tx.selectFrom('consultations').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.approvalId) query = query.where('approval_id', '=', filter.approvalId);
  if (filter.cursor) {
    const { at, id } = decodeCursor(filter.cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toConsultation),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}
