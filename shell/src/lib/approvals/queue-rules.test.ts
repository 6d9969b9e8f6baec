import { describe, expect, it } from 'vitest';
import type { Approval } from '../orchestrator/types';
import { applyApprovalEvent, matchesFilter, parseQueueFilter, pendingCount, sortQueue, statusesOf } from './queue-rules';

let n = 0;
function approval(overrides: Partial<Approval> = {}): Approval {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tenantId: '/organizations/acme-corp',
    title: `item ${n}`,
    description: '',
    priority: 'medium',
    status: 'pending',
    requestedBy: 'u-alice',
    requestedByName: 'Alice',
    decidedBy: null,
    decidedByName: null,
    decisionComment: null,
    decidedAt: null,
    source: null,
    metadata: {},
    dueAt: '2026-11-20T12:00:00.000Z',
    escalationLevel: 0,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

const params = (query: string) => new URLSearchParams(query);

describe('the CEO queue', () => {
  it('puts pending first, soonest due first, then decisions newest first', () => {
    const lateDue = approval({ dueAt: '2026-11-21T09:00:00.000Z' });
    const soonDue = approval({ dueAt: '2026-11-20T10:30:00.000Z', priority: 'urgent' });
    const oldDecision = approval({ status: 'approved', decidedAt: '2026-11-19T10:00:00.000Z' });
    const newDecision = approval({ status: 'rejected', decidedAt: '2026-11-20T11:00:00.000Z' });
    expect(sortQueue([oldDecision, lateDue, newDecision, soonDue]).map((a) => a.id)).toEqual([soonDue.id, lateDue.id, newDecision.id, oldDecision.id]);
  });

  it('reads filters from the URL, falling back to the pending queue', () => {
    expect(parseQueueFilter(params(''))).toEqual({ status: 'pending', priority: 'all' });
    expect(parseQueueFilter(params('status=decided&priority=urgent'))).toEqual({ status: 'decided', priority: 'urgent' });
    expect(parseQueueFilter(params('status=drop-table&priority=9'))).toEqual({ status: 'pending', priority: 'all' });
    expect(statusesOf('decided')).toEqual(['approved', 'rejected', 'cancelled']);
    expect(statusesOf('all')).toHaveLength(4);
  });

  it('inserts a new escalation in due order and counts it', () => {
    const a = approval({ dueAt: '2026-11-20T12:00:00.000Z' });
    const b = approval({ dueAt: '2026-11-20T11:00:00.000Z' });
    const list = applyApprovalEvent([a], b, { status: 'pending', priority: 'all' });
    expect(list.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(pendingCount(list)).toBe(2);
  });

  it('drops a decided approval from the pending view, and moves it in the "all" view', () => {
    const a = approval();
    const b = approval({ dueAt: '2026-11-20T13:00:00.000Z' });
    const decided = { ...a, status: 'approved' as const, decidedAt: '2026-11-20T10:05:00.000Z', updatedAt: '2026-11-20T10:05:00.000Z' };
    expect(applyApprovalEvent([a, b], decided, { status: 'pending', priority: 'all' }).map((x) => x.id)).toEqual([b.id]);
    expect(applyApprovalEvent([a, b], decided, { status: 'all', priority: 'all' }).map((x) => x.id)).toEqual([b.id, a.id]);
  });

  it('ignores an older copy replayed after a newer one', () => {
    const current = approval({ status: 'approved', updatedAt: '2026-11-20T10:05:00.000Z' });
    const stale = { ...current, status: 'pending' as const, updatedAt: '2026-11-20T10:00:00.000Z' };
    expect(applyApprovalEvent([current], stale, { status: 'all', priority: 'all' })).toEqual([current]);
  });

  it('respects the priority filter for live events', () => {
    const low = approval({ priority: 'low' });
    expect(applyApprovalEvent([], low, { status: 'pending', priority: 'urgent' })).toEqual([]);
    expect(matchesFilter(low, { status: 'pending', priority: 'low' })).toBe(true);
  });
});
