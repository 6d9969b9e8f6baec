import type { Config } from '../config/env.ts';
import type { Tx } from '../db/database.ts';
import type { DomainEvent, OutboundPlanner } from '../integrations/domain-events.ts';
import type { OutboxDraft } from '../outbox/enqueue-outbox.ts';
import { noteContent, noteKindFor } from './approval-notes.ts';
import { noteMarker } from './own-writes.ts';

export const CHATWOOT_TARGET = 'chatwoot';

export const OPERATIONS = {
  note: 'conversation.note',
  syncApproval: 'conversation.sync-approval',
  syncUser: 'user.sync',
} as const;

export interface NotePayload {
  accountId: number;
  conversationId: number;
  approvalId: string;
  kind: string;
  marker: string;
  content: string;
}

export interface SyncApprovalPayload {
  accountId: number;
  conversationId: number;
  approvalId: string;
}

/** Rows for one conversation go out one at a time, oldest first (the outbox honours it). */
export const conversationOrderKey = (accountId: number, conversationId: number) => `chatwoot:${accountId}:conversation:${conversationId}`;

async function tenantAccountId(tx: Tx, tenantId: string): Promise<number | null> {
  const row = await tx.selectFrom('tenant_settings').select('chatwoot_account_id').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.chatwoot_account_id ?? null;
}

/**
 * Turns approval events whose source is a Chatwoot conversation into outbox rows: a private
 * note saying what happened, and a sync of the conversation's status label and custom
 * attributes. The account written to is always the tenant's own (from tenant settings): an
 * approval naming another account in its source writes nowhere.
 */
export function createChatwootPlanner(config: Config): OutboundPlanner {
  return {
    name: CHATWOOT_TARGET,
    async plan(tx, event: DomainEvent): Promise<OutboxDraft[]> {
      if (event.type !== 'approval.created' && event.type !== 'approval.decided' && event.type !== 'approval.escalated') return [];
      const { approval } = event;
      const source = approval.source;
      if (source?.system !== 'chatwoot' || source.conversationId === undefined) return [];
      const accountId = await tenantAccountId(tx, approval.tenantId);
      if (accountId === null || (source.accountId !== undefined && source.accountId !== accountId)) return [];

      const kind = noteKindFor(approval, event.type);
      const marker = noteMarker(approval.id, kind);
      const orderKey = conversationOrderKey(accountId, source.conversationId);
      const note: NotePayload = { accountId, conversationId: source.conversationId, approvalId: approval.id, kind, marker: marker.marker, content: noteContent(approval, kind, config.SHELL_URL) };
      const sync: SyncApprovalPayload = { accountId, conversationId: source.conversationId, approvalId: approval.id };
      return [
        { tenantId: approval.tenantId, target: CHATWOOT_TARGET, operation: OPERATIONS.note, payload: { ...note }, dedupeKey: `chatwoot:note:${marker.marker}`, orderKey },
        { tenantId: approval.tenantId, target: CHATWOOT_TARGET, operation: OPERATIONS.syncApproval, payload: { ...sync }, dedupeKey: `chatwoot:sync:${marker.marker}`, orderKey },
      ];
    },
  };
}
