import type { Approval } from '../approvals/approval-model.ts';
import type { Tx } from '../db/database.ts';
import { enqueueOutbox, type OutboxDraft } from '../outbox/enqueue-outbox.ts';

/**
 * What happened, told to the integrations inside the same transaction. Each integration
 * (Chatwoot, Matrix, …) is a planner that turns an event into outbox rows for its system;
 * the approvals code knows nothing about them.
 */
export type DomainEvent =
  | { type: 'approval.created'; approval: Approval }
  | { type: 'approval.decided'; approval: Approval; previousStatus: Approval['status'] }
  | { type: 'approval.escalated'; approval: Approval; previousPriority: Approval['priority'] }
  | { type: 'consultation.opened'; consultation: { id: string; tenantId: string; approvalId: string | null; title: string; roomName: string; hostName: string; joinUrl: string } };

export interface OutboundPlanner {
  name: string;
  plan(tx: Tx, event: DomainEvent): Promise<OutboxDraft[]>;
}

export async function planOutbound(tx: Tx, planners: readonly OutboundPlanner[], event: DomainEvent): Promise<number> {
  const drafts: OutboxDraft[] = [];
  for (const planner of planners) drafts.push(...(await planner.plan(tx, event)));
  return enqueueOutbox(tx, drafts);
}
