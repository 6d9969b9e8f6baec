import { z } from 'zod';

/**
 * The webhook payloads wrrk acts on, as Chatwoot v4.15.1 serialises them
 * (Message#webhook_data, Conversations::EventDataPresenter#webhook_data; see
 * shared/contracts/chatwoot.md §1.6). Objects are loose: Chatwoot adds keys over time and we
 * only require what we read. Unknown event types are acknowledged and ignored.
 */

const id = z.number().int().nonnegative();
const unixSeconds = z.number().nonnegative();

const Person = z.looseObject({ id: id.optional(), name: z.string().nullish(), email: z.string().nullish(), type: z.string().nullish() });

const ConversationMessage = z.looseObject({
  id,
  content: z.string().nullish(),
  // Integer in conversation.messages[] (0 incoming, 1 outgoing, 2 activity, 3 template).
  message_type: z.number().int(),
  private: z.boolean().optional(),
  created_at: unixSeconds,
  content_attributes: z.record(z.string(), z.unknown()).nullish(),
});

export const ConversationPayload = z.looseObject({
  id,
  inbox_id: id.nullish(),
  status: z.enum(['open', 'resolved', 'pending', 'snoozed']),
  labels: z.array(z.string()).default([]),
  custom_attributes: z.record(z.string(), z.unknown()).nullish(),
  priority: z.string().nullish(),
  updated_at: unixSeconds,
  messages: z.array(ConversationMessage).default([]),
  meta: z.looseObject({ sender: Person.nullish(), assignee: Person.nullish() }).optional(),
  account: z.looseObject({ id, name: z.string().nullish() }).optional(),
});
export type ConversationPayload = z.infer<typeof ConversationPayload>;

const ChangedAttributes = z.array(z.record(z.string(), z.looseObject({ previous_value: z.unknown(), current_value: z.unknown() }))).nullish();

export const MessageCreatedPayload = z.looseObject({
  event: z.literal('message_created'),
  id,
  content: z.string().nullish(),
  // A string in webhooks (incoming / outgoing / template), unlike the REST API's integer.
  message_type: z.string(),
  private: z.boolean(),
  created_at: z.string(),
  content_attributes: z.record(z.string(), z.unknown()).nullish(),
  sender: Person.nullish(),
  account: z.looseObject({ id }),
  inbox: z.looseObject({ id }).nullish(),
  conversation: ConversationPayload,
});

const conversationEvent = <E extends string>(event: E) =>
  ConversationPayload.extend({ event: z.literal(event), account: z.looseObject({ id, name: z.string().nullish() }), changed_attributes: ChangedAttributes });

export const ConversationCreatedPayload = conversationEvent('conversation_created');
export const ConversationStatusChangedPayload = conversationEvent('conversation_status_changed');
export const ConversationUpdatedPayload = conversationEvent('conversation_updated');

export const ChatwootEvent = z.discriminatedUnion('event', [MessageCreatedPayload, ConversationCreatedPayload, ConversationStatusChangedPayload, ConversationUpdatedPayload]);
export type ChatwootEvent = z.infer<typeof ChatwootEvent>;
export type MessageCreated = z.infer<typeof MessageCreatedPayload>;

export const HANDLED_EVENTS: ReadonlySet<string> = new Set(['message_created', 'conversation_created', 'conversation_status_changed', 'conversation_updated']);

/** The envelope read before full validation: which event, which account. */
export const WebhookEnvelope = z.looseObject({ event: z.string().min(1).max(100), account: z.looseObject({ id }).optional() });

/** The account id a payload names (message events and conversation events both carry `account`). */
export function payloadAccountId(event: ChatwootEvent): number {
  return event.account.id;
}

/** The parts of a conversation wrrk keeps, from a webhook or from the Application API. */
export interface ConversationSnapshot {
  accountId: number;
  conversationId: number;
  inboxId: number | null;
  status: string;
  labels: string[];
  customAttributes: Record<string, unknown>;
  priority: string | null;
  contactName: string | null;
  assigneeName: string | null;
  /** Chatwoot's `updated_at`, unix seconds: the snapshot's age, for ordering. */
  updatedAt: number;
  lastIncoming: { id: number; content: string; at: Date } | null;
}

export function snapshotFromConversation(accountId: number, conversation: ConversationPayload): ConversationSnapshot {
  const incoming = conversation.messages.filter((m) => m.message_type === 0 && !m.private).sort((a, b) => b.id - a.id)[0];
  return {
    accountId,
    conversationId: conversation.id,
    inboxId: conversation.inbox_id ?? null,
    status: conversation.status,
    labels: [...conversation.labels],
    customAttributes: conversation.custom_attributes ?? {},
    priority: conversation.priority ?? null,
    contactName: conversation.meta?.sender?.name ?? null,
    assigneeName: conversation.meta?.assignee?.name ?? null,
    updatedAt: conversation.updated_at,
    lastIncoming: incoming ? { id: incoming.id, content: incoming.content ?? '', at: new Date(incoming.created_at * 1000) } : null,
  };
}

/** Changed keys of a `conversation_updated` (an array of single-key objects). */
export function changedKeys(changed: z.infer<typeof ChangedAttributes>): string[] {
  return (changed ?? []).flatMap((entry) => Object.keys(entry));
}
