import type { Approval, ApprovalStatus, Priority } from '../orchestrator/types';

/**
 * The CEO's queue as plain functions (shared by the server render and the live page): which
 * approvals a filter shows, in which order, and how a live event changes the list.
 */

export type StatusFilter = ApprovalStatus | 'decided' | 'all';
export type PriorityFilter = Priority | 'all';

export interface QueueFilter {
  status: StatusFilter;
  priority: PriorityFilter;
}

export const STATUS_FILTERS: readonly StatusFilter[] = ['pending', 'decided', 'approved', 'rejected', 'cancelled', 'all'];
export const PRIORITY_FILTERS: readonly PriorityFilter[] = ['all', 'urgent', 'high', 'medium', 'low'];
export const DEFAULT_FILTER: QueueFilter = { status: 'pending', priority: 'all' };

export function parseQueueFilter(params: { get(name: string): string | null }): QueueFilter {
  const status = params.get('status');
  const priority = params.get('priority');
  return {
    status: STATUS_FILTERS.includes(status as StatusFilter) ? (status as StatusFilter) : DEFAULT_FILTER.status,
    priority: PRIORITY_FILTERS.includes(priority as PriorityFilter) ? (priority as PriorityFilter) : DEFAULT_FILTER.priority,
  };
}

/** The orchestrator statuses behind a filter. */
export function statusesOf(filter: StatusFilter): ApprovalStatus[] {
  switch (filter) {
    case 'all':
      return ['pending', 'approved', 'rejected', 'cancelled'];
    case 'decided':
      return ['approved', 'rejected', 'cancelled'];
    default:
      return [filter];
  }
}

export function matchesFilter(approval: Approval, filter: QueueFilter): boolean {
  return statusesOf(filter.status).includes(approval.status) && (filter.priority === 'all' || approval.priority === filter.priority);
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : 0);

/** Pending first, soonest due first; then decided ones, most recent decision first. */
export function compareQueue(a: Approval, b: Approval): number {
  const aPending = a.status === 'pending';
  const bPending = b.status === 'pending';
  if (aPending !== bPending) return aPending ? -1 : 1;
  if (aPending) return time(a.dueAt) - time(b.dueAt) || time(a.createdAt) - time(b.createdAt) || a.id.localeCompare(b.id);
  return time(b.decidedAt ?? b.updatedAt) - time(a.decidedAt ?? a.updatedAt) || b.id.localeCompare(a.id);
}

export function sortQueue(items: readonly Approval[]): Approval[] {
  return [...items].sort(compareQueue);
}

/**
 * A live `approval.created` / `approval.updated`: insert or replace by id, drop it when it no
 * longer matches the filter, and ignore stale copies (an older `updatedAt` than the one shown,
 * which can happen when a reconnect replays events).
 */
export function applyApprovalEvent(items: readonly Approval[], approval: Approval, filter: QueueFilter): Approval[] {
  const index = items.findIndex((item) => item.id === approval.id);
  const current = index === -1 ? null : items[index]!;
  if (current && time(current.updatedAt) > time(approval.updatedAt)) return [...items];
  const rest = index === -1 ? [...items] : items.filter((item) => item.id !== approval.id);
  if (!matchesFilter(approval, filter)) return rest;
  return sortQueue([...rest, approval]);
}

export function pendingCount(items: readonly Approval[]): number {
  return items.filter((item) => item.status === 'pending').length;
}
