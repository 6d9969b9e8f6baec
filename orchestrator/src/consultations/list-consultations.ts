import type { Tx } from '../db/database.ts';
import { AppError } from '../http/app-error.ts';
import { toConsultation, type Consultation } from './consultation-model.ts';
import type { ConsultationStatus } from './consultation-rules.ts';

export interface ConsultationListFilter {
  status?: ConsultationStatus[] | undefined;
  approvalId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

interface Cursor {
  at: string;
  id: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof value.at === 'string' && !Number.isNaN(Date.parse(value.at)) && typeof value.id === 'string' && /^[0-9a-f-]{36}$/i.test(value.id)) {
      return { at: value.at, id: value.id };
    }
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', 'invalid cursor', { details: [{ path: 'cursor', message: 'use nextCursor from a previous page' }] });
}

/** Newest first, keyset-paginated on the (tenant, created_at, id) index. */
export async function listConsultations(tx: Tx, tenantId: string, filter: ConsultationListFilter): Promise<{ items: Consultation[]; nextCursor: string | null }> {
  let query = tx.selectFrom('consultations').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.approvalId) query = query.where('approval_id', '=', filter.approvalId);
  if (filter.cursor) {
    const cursor = decodeCursor(filter.cursor);
    const at = new Date(cursor.at);
    query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toConsultation),
    nextCursor: rows.length > filter.limit && last ? encodeCursor({ at: last.created_at.toISOString(), id: last.id }) : null,
  };
}
