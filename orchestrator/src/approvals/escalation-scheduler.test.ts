import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { inSystem } from '../db/tenant-work.ts';
import type { TenantEvent } from '../events/event-bus.ts';
import { testBackend } from '../testing/test-database.ts';
import { PERSONAS, type Persona } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import type { Approval } from './approval-model.ts';
import { escalateOverdueApprovals } from './approval-service.ts';
import { startEscalationScheduler } from './escalation-scheduler.ts';

/** Overdue pending approvals climb one step, once, however many instances scan at the same time. */

let t: TestOrchestrator;
const memberOf = (persona: Persona, tenant: string): Persona => ({ ...persona, groups: [tenant] });
const q = (tenant: string) => `tenantId=${encodeURIComponent(tenant)}`;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

async function escalate(tenant: string, title: string, priority: string): Promise<Approval> {
  const res = await t.call(memberOf(PERSONAS.alice, tenant), 'POST', `/api/approvals?${q(tenant)}`, { title, priority });
  expect(res.status).toBe(201);
  return (await res.json()) as Approval;
}

/** Moves due times into the past behind the API (the owner connection), as time passing would. */
async function makeOverdue(ids: string[], minutesAgo: (index: number) => number) {
  for (const [index, id] of ids.entries()) {
    await sql`UPDATE approvals SET due_at = now() - make_interval(mins => ${minutesAgo(index)}) WHERE id = ${id}`.execute(t.db.store.owner);
  }
}

const scan = (now = new Date(), batchSize = 100) => escalateOverdueApprovals({ system: (fn) => inSystem(t.deps, fn) }, t.deps.planners, now, batchSize);

async function history(tenant: string, id: string): Promise<AuditEntry[]> {
  const res = await t.call(memberOf(PERSONAS.carol, tenant), 'GET', `/api/audit/resource/approval/${id}?${q(tenant)}`);
  return ((await res.json()) as { items: AuditEntry[] }).items;
}

describe('escalation scheduler', () => {
  it('raises overdue pending approvals one step, audits it as the system and announces it; leaves the rest alone', async () => {
    const tenant = '/teams/escalation-basic';
    const overdue = await escalate(tenant, 'overdue', 'medium');
    const urgent = await escalate(tenant, 'overdue urgent', 'urgent');
    const onTime = await escalate(tenant, 'on time', 'low');
    const decided = await escalate(tenant, 'decided', 'high');
    expect((await t.call(memberOf(PERSONAS.carol, tenant), 'PATCH', `/api/approvals/${decided.id}?${q(tenant)}`, { status: 'approved' })).status).toBe(200);
    await makeOverdue([overdue.id, urgent.id, decided.id], () => 5);

    const events: TenantEvent[] = [];
    const unsubscribe = t.deps.events.subscribe(tenant, (event) => events.push(event));
    const scheduler = startEscalationScheduler({ ...t.deps, logger: pino({ level: 'silent' }) }, 3600);
    try {
      await scheduler.tick();
    } finally {
      scheduler.stop();
      unsubscribe();
    }

    const get = async (id: string) => (await (await t.call(memberOf(PERSONAS.carol, tenant), 'GET', `/api/approvals/${id}?${q(tenant)}`)).json()) as Approval;
    const raised = await get(overdue.id);
    expect(raised).toMatchObject({ priority: 'high', escalationLevel: 1, status: 'pending' });
    // The next deadline follows the SLA of the new priority (high: 4 h), from now.
    expect(Date.parse(raised.dueAt) - Date.now()).toBeGreaterThan(239 * 60_000);
    expect(await get(urgent.id)).toMatchObject({ priority: 'urgent', escalationLevel: 1 }); // already at the top: level only
    expect(await get(onTime.id)).toMatchObject({ priority: 'low', escalationLevel: 0, updatedAt: onTime.updatedAt });
    const untouched = await get(decided.id);
    expect(untouched).toMatchObject({ status: 'approved', priority: 'high', escalationLevel: 0 });

    const entries = await history(tenant, overdue.id);
    expect(entries.map((e) => e.action)).toEqual(['approval.created', 'approval.escalated']);
    expect(entries[1]).toMatchObject({ actorId: 'system', actorName: expect.any(String), oldValue: { priority: 'medium', escalationLevel: 0 }, newValue: { priority: 'high', escalationLevel: 1 }, metadata: { reason: 'overdue' } });
    expect((await history(tenant, decided.id)).map((e) => e.action)).toEqual(['approval.created', 'approval.approved']);

    const updates = events.filter((e) => e.type === 'approval.updated').map((e) => (e.data as Approval).id);
    expect(updates.sort()).toEqual([overdue.id, urgent.id].sort());
    expect(events.filter((e) => e.type === 'audit.appended')).toHaveLength(2);
    const verify = await t.call(memberOf(PERSONAS.carol, tenant), 'GET', `/api/audit/verify?${q(tenant)}`);
    expect(await verify.json()).toMatchObject({ ok: true });

    // Escalated rows are not overdue any more: a second pass does nothing.
    expect(await scan()).toEqual([]);
  });

  it('escalates each row exactly once when two scans run at the same time (SKIP LOCKED), without deadlocking', async () => {
    // Two tenants whose rows interleave by due time so that each scan's batch needs both
    // tenants' audit chains, in opposite orders: X x14, Y, | Y, X x14.
    const x = '/teams/escalation-x';
    const y = '/teams/escalation-y';
    const rows: Approval[] = [];
    for (let i = 0; i < 14; i += 1) rows.push(await escalate(x, `x-early-${i}`, 'low'));
    rows.push(await escalate(y, 'y-1', 'low'), await escalate(y, 'y-2', 'low'));
    for (let i = 0; i < 14; i += 1) rows.push(await escalate(x, `x-late-${i}`, 'low'));
    await makeOverdue(rows.map((r) => r.id), (index) => 100 - index); // oldest first, in that order

    const now = new Date();
    const results = await Promise.allSettled([scan(now, 15), scan(now, 15)]);
    for (const result of results) expect(result.status === 'rejected' ? String(result.reason) : 'ok').toBe('ok');
    const escalated = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.map((a) => a.id) : []));
    expect(escalated).toHaveLength(30);
    expect(new Set(escalated).size).toBe(30);
    expect(escalated.sort()).toEqual(rows.map((r) => r.id).sort());

    const levels = await t.db.store.system((tx) => tx.selectFrom('approvals').select(['escalation_level', 'priority']).where('id', 'in', rows.map((r) => r.id)).execute());
    expect(levels.every((r) => r.escalation_level === 1 && r.priority === 'medium')).toBe(true);
    for (const tenant of [x, y]) {
      const verify = await t.call(memberOf(PERSONAS.carol, tenant), 'GET', `/api/audit/verify?${q(tenant)}`);
      expect(await verify.json()).toMatchObject({ ok: true });
    }
    const escalations = await t.db.store.system((tx) =>
      tx.selectFrom('audit_logs').select(['resource_id']).where('action', '=', 'approval.escalated').where('resource_id', 'in', rows.map((r) => r.id)).execute(),
    );
    expect(escalations).toHaveLength(30); // one audit entry per row, none doubled
  });

  // PGlite has one connection: a concurrent scan would simply wait for the deciding transaction.
  it.runIf(testBackend() === 'postgres')('skips a row being decided right now instead of waiting for it', async () => {
    const tenant = '/teams/escalation-busy';
    const busy = await escalate(tenant, 'being decided', 'low');
    const free = await escalate(tenant, 'free', 'low');
    await makeOverdue([busy.id, free.id], () => 10);
    const escalated = await t.db.store.tenant(tenant, async (tx) => {
      // Hold the row lock the way decideApproval does while the scan runs.
      await tx.selectFrom('approvals').select('id').where('id', '=', busy.id).forUpdate().execute();
      return scan();
    });
    const ids = escalated.map((a) => a.id);
    expect(ids).toContain(free.id);
    expect(ids).not.toContain(busy.id);
    // Once the decision's lock is gone, the next scan picks the row up.
    expect((await scan()).map((a) => a.id)).toContain(busy.id);
  });
});
