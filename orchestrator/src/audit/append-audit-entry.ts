import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import { GENESIS_HASH, hashAuditEntry, type ChainedFields } from './audit-hash.ts';
import { toAuditEntry, type Actor, type AuditEntry, type RequestOrigin } from './audit-entry.ts';

export interface AuditDraft {
  actor: Actor;
  action: string;
  resourceType: string;
  resourceId: string;
  oldValue?: unknown;
  newValue?: unknown;
  metadata?: Record<string, unknown>;
  origin: RequestOrigin;
}

/**
 * Takes the tenant's chain lock until the transaction ends (re-entrant within it). A job that
 * appends to several tenants must take their locks up front in one order (sorted), or two such
 * jobs can deadlock.
 */
export async function lockAuditChain(tx: Tx, tenantId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`.execute(tx);
}

/**
 * Appends to the tenant's chain inside the caller's transaction, so the entry commits or rolls
 * back with the change it records. A transaction-scoped advisory lock per tenant serialises
 * appends (two writers cannot both take seq N), while other tenants proceed in parallel.
 */
export async function appendAuditEntry(work: TenantWork, draft: AuditDraft, now: Date = new Date()): Promise<AuditEntry> {
  const { tx, tenantId } = work;
  await lockAuditChain(tx, tenantId);
  const head = await tx
    .selectFrom('audit_logs')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();

  const fields: ChainedFields = {
    tenantId,
    seq: head ? Number(head.seq) + 1 : 1,
    actorId: draft.actor.id,
    actorName: draft.actor.name,
    action: draft.action,
    resourceType: draft.resourceType,
    resourceId: draft.resourceId,
    oldValue: draft.oldValue ?? null,
    newValue: draft.newValue ?? null,
    metadata: draft.metadata ?? {},
    requestId: draft.origin.requestId,
    ipAddress: draft.origin.ipAddress,
    userAgent: draft.origin.userAgent,
    createdAt: now.toISOString(),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const row = await tx
    .insertInto('audit_logs')
    .values({
      tenant_id: tenantId,
      seq: fields.seq,
      actor_id: fields.actorId,
      actor_name: fields.actorName,
      action: fields.action,
      resource_type: fields.resourceType,
      resource_id: fields.resourceId,
      old_value: JSON.stringify(fields.oldValue),
      new_value: JSON.stringify(fields.newValue),
      metadata: JSON.stringify(fields.metadata),
      request_id: fields.requestId,
      ip_address: fields.ipAddress,
      user_agent: fields.userAgent,
      created_at: now,
      prev_hash: prevHash,
      hash: hashAuditEntry(prevHash, fields),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const entry = toAuditEntry(row);
  work.emit({ type: 'audit.appended', data: entry });
  return entry;
}
