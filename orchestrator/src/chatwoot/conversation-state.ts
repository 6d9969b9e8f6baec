import { sql } from 'kysely';
import { conversationUrl } from '@wrrk/chatwoot/client.ts';
import type { Approval } from '../approvals/approval-model.ts';
import { createApproval } from '../approvals/approval-service.ts';
import type { Actor, RequestOrigin } from '../audit/audit-entry.ts';
import type { Tx } from '../db/database.ts';
import type { Priority } from '../db/schema.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import { decideTrigger, escalationPriority, escalationText } from './escalation-trigger.ts';
import type { ConversationSnapshot } from './webhook-payloads.ts';

export interface SnapshotOptions {
  triggerLabel: string | null;
  defaultPriority: Priority;
  chatwootUrl: string | null;
  origin: RequestOrigin;
  /** The change was our own write-back: keep state, never escalate from it. */
  echo?: boolean;
  /** Where the snapshot came from, recorded on escalations (`webhook`, `reconciliation`). */
  via: string;
}

export interface SnapshotResult {
  /** False when a newer snapshot had already been applied (out-of-order delivery). */
  fresh: boolean;
  escalated: Approval | null;
}

/** Who "asked" when a Chatwoot label starts an escalation: the label, not a guessed person. */
export const triggerActor = (label: string): Actor => ({ id: 'chatwoot:label-trigger', name: `Chatwoot label “${label}”` });

export async function pendingChatwootApproval(tx: Tx, tenantId: string, conversationId: number) {
  return tx
    .selectFrom('approvals')
    .select(['id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'pending')
    .where(sql<string>`source->>'system'`, '=', 'chatwoot')
    .where(sql<string>`source->>'conversationId'`, '=', String(conversationId))
    .executeTakeFirst();
}

/**
 * Applies what Chatwoot says about a conversation, inside the tenant's transaction. The row is
 * locked first, so concurrent deliveries for one conversation take turns; a snapshot older than
 * the one applied is ignored (Chatwoot delivers out of order), except that a newer customer
 * message is still remembered. The label trigger is evaluated on fresh snapshots only.
 */
export async function applyConversationSnapshot(ctx: { work: TenantWork; planners: readonly OutboundPlanner[] }, snapshot: ConversationSnapshot, options: SnapshotOptions): Promise<SnapshotResult> {
  const { work } = ctx;
  const tx = withChatwootTables(work.tx);
  const key = { tenant_id: work.tenantId, account_id: snapshot.accountId, conversation_id: snapshot.conversationId };
  const now = new Date();
  await tx.insertInto('chatwoot_conversations').values({ ...key, snapshot_at: -1, updated_at: now }).onConflict((oc) => oc.columns(['tenant_id', 'account_id', 'conversation_id']).doNothing()).execute();
  const row = await tx
    .selectFrom('chatwoot_conversations')
    .selectAll()
    .where('tenant_id', '=', key.tenant_id)
    .where('account_id', '=', key.account_id)
    .where('conversation_id', '=', key.conversation_id)
    .forUpdate()
    .executeTakeFirstOrThrow();

  const incoming = snapshot.lastIncoming;
  const newerMessage = incoming && (row.last_message_id === null || incoming.id > Number(row.last_message_id));
  const messageFields = newerMessage ? { last_incoming_message: incoming.content.slice(0, 4000), last_incoming_at: incoming.at, last_message_id: incoming.id } : {};
  const fresh = snapshot.updatedAt >= row.snapshot_at;
  const where = (q: ReturnType<typeof tx.updateTable<'chatwoot_conversations'>>) =>
    q.where('tenant_id', '=', key.tenant_id).where('account_id', '=', key.account_id).where('conversation_id', '=', key.conversation_id);

  if (!fresh) {
    if (newerMessage) await where(tx.updateTable('chatwoot_conversations')).set({ ...messageFields, updated_at: now }).execute();
    return { fresh: false, escalated: null };
  }

  const pending = await pendingChatwootApproval(work.tx, work.tenantId, snapshot.conversationId);
  // An echo of our own write never escalates; it leaves a present trigger armed, so the next
  // genuine event or the reconciliation pass still acts on it.
  const decision = options.echo && options.triggerLabel && snapshot.labels.includes(options.triggerLabel)
    ? { escalate: false, armed: row.trigger_armed }
    : decideTrigger(snapshot.labels, options.triggerLabel, { armed: row.trigger_armed, hasPendingApproval: Boolean(pending) });
  let escalated: Approval | null = null;
  if (decision.escalate && options.triggerLabel) {
    const lastMessage = newerMessage ? incoming.content : (row.last_incoming_message ?? incoming?.content ?? null);
    const text = escalationText(snapshot, lastMessage, options.triggerLabel);
    escalated = await createApproval({ work, planners: ctx.planners, origin: options.origin, now }, triggerActor(options.triggerLabel), {
      ...text,
      priority: escalationPriority(snapshot.priority, options.defaultPriority),
      source: {
        system: 'chatwoot',
        accountId: snapshot.accountId,
        conversationId: snapshot.conversationId,
        ...(snapshot.inboxId === null ? {} : { inboxId: snapshot.inboxId }),
        ...(options.chatwootUrl ? { url: conversationUrl(options.chatwootUrl, snapshot.accountId, snapshot.conversationId) } : {}),
      },
      metadata: { trigger: { kind: 'chatwoot-label', label: options.triggerLabel, via: options.via }, contact: snapshot.contactName, assignee: snapshot.assigneeName },
    });
  }

  await where(tx.updateTable('chatwoot_conversations'))
    .set({
      inbox_id: snapshot.inboxId,
      status: snapshot.status,
      labels: JSON.stringify(snapshot.labels),
      custom_attributes: JSON.stringify(snapshot.customAttributes),
      priority: snapshot.priority,
      contact_name: snapshot.contactName,
      assignee_name: snapshot.assigneeName,
      snapshot_at: snapshot.updatedAt,
      trigger_armed: decision.armed,
      ...(escalated ? { last_trigger_approval_id: escalated.id } : {}),
      ...messageFields,
      updated_at: now,
    })
    .execute();
  return { fresh: true, escalated };
}
