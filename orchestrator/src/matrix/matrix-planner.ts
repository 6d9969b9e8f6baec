import type { DomainEvent, OutboundPlanner } from '../integrations/domain-events.ts';
import type { OutboxDraft } from '../outbox/enqueue-outbox.ts';
import { roomAliasLocalpart } from './matrix-ids.ts';
import { noticeFor, type NoticeDraft } from './matrix-notices.ts';
import type { MatrixSettings } from './matrix-settings.ts';

/** Outbox operations of the `matrix` target. */
export const MATRIX_TARGET = 'matrix';
export const SEND_NOTICE = 'notice.send';
export const SYNC_ACCOUNTS = 'accounts.sync';

/** Payload of a `notice.send` row: the rendered notice plus how to thread it. */
export interface NoticePayload extends NoticeDraft {
  /** Reply to this event (a chat command the bot answers). */
  inReplyTo?: string | null;
  /** Mention these users (`m.mentions`), e.g. the sender of a refused command. */
  mentions?: string[];
}

/**
 * Notices are rendered when the change happens (the text says what was true then) and queued
 * in the same transaction. One order key per tenant keeps the room's story in order: the
 * escalation before its overdue reminder before its decision.
 */
export function noticeDraft(tenantId: string, payload: NoticePayload, dedupeKey: string): OutboxDraft {
  return { tenantId, target: MATRIX_TARGET, operation: SEND_NOTICE, payload: { ...payload }, dedupeKey, orderKey: `matrix:${tenantId}` };
}

function dedupeKeyFor(event: DomainEvent): string {
  switch (event.type) {
    case 'approval.created':
      return `matrix:approval.created:${event.approval.id}`;
    case 'approval.escalated':
      return `matrix:approval.escalated:${event.approval.id}:${event.approval.escalationLevel}`;
    case 'approval.decided':
      return `matrix:approval.decided:${event.approval.id}`;
    case 'consultation.opened':
      return `matrix:consultation.opened:${event.consultation.id}`;
  }
}

function tenantOf(event: DomainEvent): string {
  return event.type === 'consultation.opened' ? event.consultation.tenantId : event.approval.tenantId;
}

export function createMatrixPlanner(settings: MatrixSettings): OutboundPlanner {
  return {
    name: 'matrix',
    async plan(_tx, event) {
      const tenantId = tenantOf(event);
      // Personal tenants have no team room.
      if (!roomAliasLocalpart(tenantId, settings.aliasPrefix)) return [];
      const notice = noticeFor(event, settings.shellUrl);
      return notice ? [noticeDraft(tenantId, notice, dedupeKeyFor(event))] : [];
    },
  };
}
