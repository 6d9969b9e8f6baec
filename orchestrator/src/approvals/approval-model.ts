import type { Selectable } from 'kysely';
import type { ApprovalSource, ApprovalsTable, ApprovalStatus, Priority } from '../db/schema.ts';

/** The API's view of an approval (camelCase, ISO timestamps). */
export interface Approval {
  id: string;
  tenantId: string;
  title: string;
  description: string;
  priority: Priority;
  status: ApprovalStatus;
  requestedBy: string;
  requestedByName: string;
  decidedBy: string | null;
  decidedByName: string | null;
  decisionComment: string | null;
  decidedAt: string | null;
  source: ApprovalSource | null;
  metadata: Record<string, unknown>;
  dueAt: string;
  escalationLevel: number;
  createdAt: string;
  updatedAt: string;
}

export function toApproval(row: Selectable<ApprovalsTable>): Approval {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    description: row.description,
    priority: row.priority,
    status: row.status,
    requestedBy: row.requested_by,
    requestedByName: row.requested_by_name,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by_name,
    decisionComment: row.decision_comment,
    decidedAt: row.decided_at?.toISOString() ?? null,
    source: row.source ?? null,
    metadata: row.metadata ?? {},
    dueAt: row.due_at.toISOString(),
    escalationLevel: row.escalation_level,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
