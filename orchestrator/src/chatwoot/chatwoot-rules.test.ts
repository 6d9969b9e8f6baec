import { describe, expect, it } from 'vitest';
import type { Approval } from '../approvals/approval-model.ts';
import { noteContent, noteKindFor } from './approval-notes.ts';
import { mergeAttributes, mergeStatusLabels } from './conversation-writes.ts';
import { decideTrigger, escalationPriority } from './escalation-trigger.ts';
import { isEchoOfOwnWrite, markerOf, noteMarker } from './own-writes.ts';
import { ChatwootEvent, snapshotFromConversation } from './webhook-payloads.ts';
import { contractExample } from './testing/signed-webhook.ts';

describe('label trigger rule', () => {
  it('escalates once per application of the label', () => {
    expect(decideTrigger(['escalate'], 'escalate', { armed: true, hasPendingApproval: false })).toEqual({ escalate: true, armed: false });
    expect(decideTrigger(['escalate'], 'escalate', { armed: false, hasPendingApproval: false })).toEqual({ escalate: false, armed: false });
    expect(decideTrigger(['escalate'], 'escalate', { armed: true, hasPendingApproval: true })).toEqual({ escalate: false, armed: false });
    expect(decideTrigger(['vip'], 'escalate', { armed: false, hasPendingApproval: true })).toEqual({ escalate: false, armed: true });
    expect(decideTrigger(['escalate'], null, { armed: true, hasPendingApproval: false })).toEqual({ escalate: false, armed: true });
  });

  it('takes the conversation priority when it is one of ours', () => {
    expect(escalationPriority('urgent', 'high')).toBe('urgent');
    expect(escalationPriority(null, 'high')).toBe('high');
    expect(escalationPriority('whatever', 'medium')).toBe('medium');
  });
});

describe('read-merge-write of labels and attributes', () => {
  it('keeps agents\' labels, swaps our status label and drops the consumed trigger', () => {
    expect(mergeStatusLabels(['vip', 'escalate', 'billing'], 'pending', 'escalate')).toEqual(['vip', 'billing', 'ceo-pending']);
    expect(mergeStatusLabels(['vip', 'ceo-pending'], 'approved', 'escalate')).toEqual(['vip', 'ceo-approved']);
    expect(mergeStatusLabels(['ceo-approved'], 'approved', null)).toEqual(['ceo-approved']);
  });

  it('keeps other custom attributes', () => {
    expect(mergeAttributes({ order: 'A-1', approval_status: 'pending' }, { approval_status: 'approved' })).toEqual({ order: 'A-1', approval_status: 'approved' });
  });
});

describe('loop guard', () => {
  it('recognises our notes by their marker (the contract\'s private-note example carries one)', () => {
    const example = ChatwootEvent.parse(contractExample('message_created.private_note'));
    expect(example.event).toBe('message_created');
    expect(markerOf(noteMarker('a', 'created') as unknown as Record<string, unknown>)).toBeNull();
    expect(markerOf({ wrrk: noteMarker('a', 'created') })).toBe('a:created');
    expect(markerOf({})).toBeNull();
    expect(markerOf(null)).toBeNull();
  });

  it('tells our own label and attribute writes from an agent\'s', () => {
    const labels = (before: string[], after: string[]): Array<Record<string, { previous_value: unknown; current_value: unknown }>> => [{ label_list: { previous_value: before, current_value: after } }, { updated_at: { previous_value: 1, current_value: 2 } }];
    expect(isEchoOfOwnWrite(labels(['vip', 'escalate'], ['vip', 'ceo-pending']), 'escalate')).toBe(true);
    expect(isEchoOfOwnWrite(labels(['vip', 'ceo-pending'], ['vip', 'ceo-approved']), 'escalate')).toBe(true);
    expect(isEchoOfOwnWrite(labels(['vip'], ['vip', 'escalate']), 'escalate')).toBe(false);
    expect(isEchoOfOwnWrite(labels([], ['billing']), 'escalate')).toBe(false);
    expect(isEchoOfOwnWrite([{ custom_attributes: { previous_value: { order: 1 }, current_value: { order: 1, approval_status: 'approved' } } }], 'escalate')).toBe(true);
    expect(isEchoOfOwnWrite([{ custom_attributes: { previous_value: {}, current_value: { order: 2 } } }], 'escalate')).toBe(false);
    expect(isEchoOfOwnWrite([{ status: { previous_value: 'open', current_value: 'resolved' } }], 'escalate')).toBe(false);
    expect(isEchoOfOwnWrite([], 'escalate')).toBe(false);
  });
});

describe('webhook payloads from the contract examples', () => {
  it('parses every derived example and reads the conversation snapshot', () => {
    for (const name of ['message_created.incoming', 'message_created.private_note', 'conversation_created', 'conversation_status_changed', 'conversation_updated.custom_attributes']) {
      expect(ChatwootEvent.safeParse(contractExample(name)).success, name).toBe(true);
    }
    const updated = ChatwootEvent.parse(contractExample('conversation_updated.custom_attributes'));
    if (updated.event === 'message_created') throw new Error('unexpected');
    expect(snapshotFromConversation(1, updated)).toMatchObject({ conversationId: 42, inboxId: 3, status: 'open', labels: ['ceo-approved'], contactName: 'Jane Doe', assigneeName: 'Alex Agent', updatedAt: 1781691401.002, lastIncoming: { id: 4711 } });
  });
});

describe('notes', () => {
  const approval = { id: 'a1', title: 'Refund', description: 'Line 1\nLine 2', priority: 'high', requestedByName: 'Alice Agent', decidedByName: 'Carol CEO', decisionComment: 'Fine.', dueAt: '2026-06-17T12:00:00.000Z', escalationLevel: 2, status: 'approved' } as Approval;
  it('says who, what and links to the approval', () => {
    expect(noteContent(approval, 'created', 'https://wrrk.test/')).toBe('**Escalated to the CEO** by Alice Agent · priority **high** · decision due 2026-06-17 12:00 UTC\n\n**Refund**\n\n> Line 1\n> Line 2\n\n[Open in wrrk](https://wrrk.test/app/approvals/a1)');
    expect(noteContent(approval, 'approved', 'https://wrrk.test')).toContain('**CEO decision: APPROVED** by Carol CEO\n\n> Fine.');
    expect(noteKindFor(approval, 'approval.escalated')).toBe('escalated-2');
    expect(noteKindFor(approval, 'approval.decided')).toBe('approved');
  });
});
