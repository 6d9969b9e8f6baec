import type { Priority } from '../db/schema.ts';
import type { ConversationSnapshot } from './webhook-payloads.ts';

/**
 * The label trigger as a plain rule. A label application escalates once: the trigger is
 * "armed" until it fires and re-arms only after the label has been seen absent again (wrrk
 * removes it when it writes the escalation back). So redeliveries, the echo of our own writes,
 * reconciliation passes and a label left in place never escalate twice.
 */
export interface TriggerState {
  armed: boolean;
  hasPendingApproval: boolean;
}

export type TriggerDecision = { escalate: boolean; armed: boolean };

export function decideTrigger(labels: readonly string[], triggerLabel: string | null, state: TriggerState): TriggerDecision {
  if (!triggerLabel || !labels.includes(triggerLabel)) return { escalate: false, armed: true };
  if (!state.armed) return { escalate: false, armed: false };
  // Already waiting for the CEO: the label is consumed without a second request.
  return { escalate: !state.hasPendingApproval, armed: false };
}

const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];

export function escalationPriority(conversationPriority: string | null, fallback: Priority): Priority {
  return PRIORITIES.includes(conversationPriority as Priority) ? (conversationPriority as Priority) : fallback;
}

/** Title and description of an escalation started from Chatwoot. */
export function escalationText(snapshot: ConversationSnapshot, lastCustomerMessage: string | null, triggerLabel: string): { title: string; description: string } {
  const who = snapshot.contactName?.trim() || 'a customer';
  const title = `Chatwoot conversation #${snapshot.conversationId} with ${who}`.slice(0, 200);
  const lines = [
    lastCustomerMessage ? `Customer wrote: “${lastCustomerMessage.trim().slice(0, 2000)}”` : null,
    `Escalated with the label “${triggerLabel}” in Chatwoot${snapshot.assigneeName ? ` (assignee: ${snapshot.assigneeName})` : ''}.`,
  ];
  return { title, description: lines.filter(Boolean).join('\n\n') };
}
