import { sql } from 'kysely';
import type { Principal } from '@wrrk/keycloak/principal.ts';
import { appendAuditEntry, lockAuditChain } from '../audit/append-audit-entry.ts';
import { SYSTEM_ACTOR, type RequestOrigin } from '../audit/audit-entry.ts';
import type { Tx } from '../db/database.ts';
import type { ApprovalSource, Priority } from '../db/schema.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import { conflict, notFound } from '../http/app-error.ts';
import { planOutbound, type OutboundPlanner } from '../integrations/domain-events.ts';
import { getSlaMinutes } from '../tenants/tenant-settings.ts';
import { toApproval, type Approval } from './approval-model.ts';
import { assertMayDecide, dueAt, escalate, type DecisionRequest } from './approval-rules.ts';

export interface CreateApprovalInput {
  title: string;
  description: string;
  priority: Priority;
  source?: ApprovalSource | null | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export interface ChangeContext {
  work: TenantWork;
  planners: readonly OutboundPlanner[];
  origin: RequestOrigin;
  now?: Date;
}

function auditSnapshot(approval: Approval) {
  const { status, priority, title, decisionComment, decidedBy, escalationLevel, dueAt: due } = approval;
  return { status, priority, title, decisionComment, decidedBy, escalationLevel, dueAt: due };
}

async function pendingForSource(tx: Tx, tenantId: string, source: ApprovalSource) {
  if (source.conversationId === undefined) return undefined;
  return tx
    .selectFrom('approvals')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .where(sql<string>`source->>'system'`, '=', source.system)
    .where(sql<string>`source->>'conversationId'`, '=', String(source.conversationId))
    .executeTakeFirst();
}

/** An escalation: stored, audited and announced to the integrations in one transaction. */
export async function createApproval(ctx: ChangeContext, requester: Pick<Principal, 'id' | 'name'>, input: CreateApprovalInput): Promise<Approval> {
  const { work } = ctx;
  const now = ctx.now ?? new Date();
  if (input.source) {
    // One open escalation per conversation: a second click must not page the CEO twice.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`escalation:${work.tenantId}:${input.source.system}:${input.source.conversationId}`}, 0))`.execute(work.tx);
    const existing = await pendingForSource(work.tx, work.tenantId, input.source);
    if (existing) throw conflict('this conversation already has a pending escalation', { approvalId: existing.id });
  }
  const sla = await getSlaMinutes(work.tx, work.tenantId);
  const row = await work.tx
    .insertInto('approvals')
    .values({
      tenant_id: work.tenantId,
      title: input.title,
      description: input.description,
      priority: input.priority,
      status: 'pending',
      requested_by: requester.id,
      requested_by_name: requester.name,
      source: JSON.stringify(input.source ?? null),
      metadata: JSON.stringify(input.metadata ?? {}),
      due_at: dueAt(now, input.priority, sla),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const approval = toApproval(row);
  await appendAuditEntry(work, {
    actor: requester,
    action: 'approval.created',
    resourceType: 'approval',
    resourceId: approval.id,
    newValue: auditSnapshot(approval),
    metadata: input.source ? { source: input.source } : {},
    origin: ctx.origin,
  }, now);
  await planOutbound(work.tx, ctx.planners, { type: 'approval.created', approval });
  work.emit({ type: 'approval.created', data: approval });
  return approval;
}

export async function getApproval(tx: Tx, tenantId: string, id: string): Promise<Approval> {
  const row = await tx.selectFrom('approvals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('approval');
  return toApproval(row);
}

/**
 * Approve, reject or cancel. The row is locked first, so of two concurrent decisions the
 * second waits, then sees the first one's result and gets 409 without changing anything.
 */
export async function decideApproval(ctx: ChangeContext, actor: Principal, id: string, request: DecisionRequest): Promise<Approval> {
  const { work } = ctx;
  const now = ctx.now ?? new Date();
  const row = await work.tx.selectFrom('approvals').selectAll().where('tenant_id', '=', work.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('approval');
  const before = toApproval(row);
  assertMayDecide(actor, before, request);

  const comment = request.comment?.trim() || null;
  const updated = await work.tx
    .updateTable('approvals')
    .set({
      status: request.status,
      decided_by: actor.id,
      decided_by_name: actor.name,
      decision_comment: comment,
      decided_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
  const approval = toApproval(updated);
  await appendAuditEntry(work, {
    actor,
    action: `approval.${request.status}`,
    resourceType: 'approval',
    resourceId: id,
    oldValue: auditSnapshot(before),
    newValue: auditSnapshot(approval),
    metadata: comment ? { comment } : {},
    origin: ctx.origin,
  }, now);
  await planOutbound(work.tx, ctx.planners, { type: 'approval.decided', approval, previousStatus: before.status });
  work.emit({ type: 'approval.updated', data: approval });
  return approval;
}

/**
 * One pass of the overdue scanner, for all tenants. SKIP LOCKED lets several instances scan at
 * once: each row is escalated by exactly one of them, and a row being decided right now is
 * left alone rather than waited for.
 */
export async function escalateOverdueApprovals(
  deps: { system: <T>(fn: (tx: Tx, emit: TenantWork['emit']) => Promise<T>) => Promise<T> },
  planners: readonly OutboundPlanner[],
  now: Date = new Date(),
  batchSize = 100,
): Promise<Approval[]> {
  return deps.system(async (tx, emit) => {
    const rows = await tx
      .selectFrom('approvals')
      .selectAll()
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at', 'asc')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    // Each row appends to its tenant's audit chain; lock those chains in one global order first,
    // or two scans holding different tenants' chains could each wait for the other's.
    for (const tenantId of [...new Set(rows.map((row) => row.tenant_id))].sort()) await lockAuditChain(tx, tenantId);
    const escalated: Approval[] = [];
    for (const row of rows) {
      const before = toApproval(row);
      const work: TenantWork = { tx, tenantId: before.tenantId, emit: (event) => emit({ ...event, tenantId: before.tenantId }) };
      const next = escalate(before, now, await getSlaMinutes(tx, before.tenantId));
      const updated = await tx
        .updateTable('approvals')
        .set({ priority: next.priority, escalation_level: next.escalationLevel, due_at: next.dueAt, updated_at: now })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const approval = toApproval(updated);
      await appendAuditEntry(work, {
        actor: SYSTEM_ACTOR,
        action: 'approval.escalated',
        resourceType: 'approval',
        resourceId: approval.id,
        oldValue: auditSnapshot(before),
        newValue: auditSnapshot(approval),
        metadata: { reason: 'overdue', overdueSince: before.dueAt },
        origin: { requestId: null, ipAddress: null, userAgent: null },
      }, now);
      await planOutbound(tx, planners, { type: 'approval.escalated', approval, previousPriority: before.priority });
      work.emit({ type: 'approval.updated', data: approval });
      escalated.push(approval);
    }
    return escalated;
  });
}
