import type { OrchestratorClient } from '../orchestrator/client';
import type { Approval } from '../orchestrator/types';
import { sortQueue, statusesOf, type QueueFilter } from './queue-rules';

const PENDING_LIMIT = 100;
const DECIDED_PAGE = 50;

export interface QueuePage {
  items: Approval[];
  /** Continues the decided part of the list (pending ones all come on the first page). */
  nextCursor: string | null;
}

/**
 * One page of the queue: every pending approval (up to 100, soonest due first, which is the
 * orchestrator's `sort=due`), then decided ones newest first with a cursor.
 */
export async function loadQueue(client: OrchestratorClient, filter: QueueFilter, cursor?: string): Promise<QueuePage> {
  const statuses = statusesOf(filter.status);
  const priority = filter.priority === 'all' ? undefined : [filter.priority];
  const decided = statuses.filter((status) => status !== 'pending');
  const [pending, rest] = await Promise.all([
    statuses.includes('pending') && !cursor ? client.listApprovals({ status: ['pending'], priority, sort: 'due', limit: PENDING_LIMIT }) : null,
    decided.length ? client.listApprovals({ status: decided, priority, sort: 'newest', limit: DECIDED_PAGE, cursor }) : null,
  ]);
  return { items: sortQueue([...(pending?.items ?? []), ...(rest?.items ?? [])]), nextCursor: rest?.nextCursor ?? null };
}
