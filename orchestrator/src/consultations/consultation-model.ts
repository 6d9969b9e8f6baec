import type { Selectable } from 'kysely';
import type { ConsultationParticipant, ConsultationsTable } from '../db/schema.ts';

/** The API's view of a consultation (camelCase, ISO timestamps). */
export interface Consultation {
  id: string;
  tenantId: string;
  approvalId: string | null;
  title: string;
  roomName: string;
  status: 'scheduled' | 'active' | 'ended';
  hostId: string;
  hostName: string;
  participants: ConsultationParticipant[];
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toConsultation(row: Selectable<ConsultationsTable>): Consultation {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    approvalId: row.approval_id,
    title: row.title,
    roomName: row.room_name,
    status: row.status,
    hostId: row.host_id,
    hostName: row.host_name,
    participants: row.participants ?? [],
    scheduledAt: row.scheduled_at?.toISOString() ?? null,
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** What the audit trail keeps of a consultation's state. */
export function consultationSnapshot(c: Consultation) {
  return { status: c.status, title: c.title, hostId: c.hostId, startedAt: c.startedAt, endedAt: c.endedAt, participants: c.participants.length };
}
