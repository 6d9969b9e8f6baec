import { hasRole, type Principal } from '@wrrk/keycloak/principal.ts';
import type { ApprovalStatus, Priority, SlaMinutes } from '../db/schema.ts';
import { AppError, conflict, forbidden } from '../http/app-error.ts';

/** Business rules of approvals as plain functions: no HTTP, no SQL. */

export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];

export const DEFAULT_SLA_MINUTES: SlaMinutes = { urgent: 60, high: 240, medium: 1440, low: 4320 };

export function nextPriority(priority: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)]!;
}

export function dueAt(from: Date, priority: Priority, sla: SlaMinutes): Date {
  return new Date(from.getTime() + sla[priority] * 60_000);
}

export type Decision = 'approved' | 'rejected' | 'cancelled';

export interface DecisionRequest {
  status: Decision;
  comment?: string | undefined;
}

export const COMMENT_MAX = 2000;

/**
 * Who may move a pending approval where:
 * - approve / reject: the `ceo` or `admin` role, never the requester (four eyes);
 *   a rejection must say why;
 * - cancel: only the requester.
 * Anything not pending is already decided: 409, nothing changes.
 */
export function assertMayDecide(principal: Principal, approval: { status: ApprovalStatus; requestedBy: string }, request: DecisionRequest): void {
  if (request.status === 'cancelled') {
    if (principal.id !== approval.requestedBy) throw forbidden('only the requester may cancel an approval');
  } else {
    if (!hasRole(principal, 'ceo', 'admin')) throw forbidden('deciding approvals needs the ceo or admin role');
    if (principal.id === approval.requestedBy) throw forbidden('four-eyes rule: the requester cannot decide their own approval');
    if (request.status === 'rejected' && !request.comment?.trim()) {
      throw new AppError('validation_failed', 'a rejection needs a comment', { details: [{ path: 'comment', message: 'Required when rejecting' }] });
    }
  }
  if (approval.status !== 'pending') throw conflict(`approval is already ${approval.status}`, { status: approval.status });
}

/** Overdue pending approvals climb one priority step and one escalation level. */
export function escalate(approval: { priority: Priority; escalationLevel: number }, now: Date, sla: SlaMinutes) {
  const priority = nextPriority(approval.priority);
  return { priority, escalationLevel: approval.escalationLevel + 1, dueAt: dueAt(now, priority, sla) };
}
