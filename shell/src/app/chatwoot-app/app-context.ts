import { z } from 'zod';

/**
 * The Chatwoot side of the dashboard app, as plain functions: Chatwoot posts
 * `JSON.stringify({ event: 'appContext', data: { conversation, contact, currentAgent } })` to
 * the frame (app/javascript/dashboard/components/widgets/DashboardApp/Frame.vue, v4.15.1).
 * Anyone can frame this page and post such a message, so only messages from the configured
 * Chatwoot origin and from the parent window count, and nothing in them is trusted for
 * identity: `currentAgent` is shown, never used to authorise.
 */

/** Public keycloak-js client for browser code outside the shell (realm file: `wrrk-dashboard`). */
export const DASHBOARD_CLIENT_ID = 'wrrk-dashboard';

export const FETCH_INFO_MESSAGE = 'chatwoot-dashboard-app:fetch-info';
export const AUTH_MESSAGE_TYPE = 'wrrk:dashboard-app-auth';

const Message = z.looseObject({
  id: z.number().int(),
  content: z.string().nullish(),
  message_type: z.number().int(),
  private: z.boolean().optional(),
  created_at: z.number().optional(),
});

const AppContextMessage = z.object({
  event: z.literal('appContext'),
  data: z.looseObject({
    conversation: z.looseObject({
      id: z.number().int().positive(),
      account_id: z.number().int().positive(),
      inbox_id: z.number().int().positive().nullish(),
      status: z.string().optional(),
      priority: z.string().nullish(),
      labels: z.array(z.string()).default([]),
      messages: z.array(Message).default([]),
      meta: z.looseObject({ sender: z.looseObject({ name: z.string().nullish() }).nullish() }).optional(),
    }),
    contact: z.looseObject({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
    currentAgent: z.looseObject({ id: z.number().optional(), name: z.string().nullish(), email: z.string().nullish() }).nullish(),
  }),
});

export interface ConversationContext {
  accountId: number;
  conversationId: number;
  inboxId: number | null;
  status: string | null;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  labels: string[];
  contactName: string | null;
  lastCustomerMessage: string | null;
  agentName: string | null;
}

export interface IncomingMessage {
  origin: string;
  data: unknown;
  source: unknown;
}

/** The conversation context from a postMessage event, or null when it is not Chatwoot's. */
export function readAppContext(event: IncomingMessage, chatwootOrigin: string, parent: unknown): ConversationContext | null {
  if (event.origin !== chatwootOrigin || event.source !== parent) return null;
  if (typeof event.data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    return null;
  }
  const parsed = AppContextMessage.safeParse(json);
  if (!parsed.success) return null;
  const { conversation, contact, currentAgent } = parsed.data.data;
  const lastIncoming = [...conversation.messages].filter((m) => m.message_type === 0 && !m.private).sort((a, b) => b.id - a.id)[0];
  const priority = (['low', 'medium', 'high', 'urgent'] as const).find((p) => p === conversation.priority) ?? null;
  return {
    accountId: conversation.account_id,
    conversationId: conversation.id,
    inboxId: conversation.inbox_id ?? null,
    status: conversation.status ?? null,
    priority,
    labels: conversation.labels,
    contactName: contact?.name ?? conversation.meta?.sender?.name ?? null,
    lastCustomerMessage: lastIncoming?.content ?? null,
    agentName: currentAgent?.name ?? null,
  };
}

export interface EscalationDraft {
  title: string;
  description: string;
  priority: 'low' | 'medium' | 'high' | 'urgent';
}

/** What the form starts with: the contact, the customer's last words, the conversation's priority. */
export function draftFor(context: ConversationContext): EscalationDraft {
  const who = context.contactName?.trim() || 'a customer';
  return {
    title: `Conversation #${context.conversationId} with ${who}`.slice(0, 200),
    description: context.lastCustomerMessage ? `Customer wrote: “${context.lastCustomerMessage.trim().slice(0, 2000)}”` : '',
    priority: context.priority ?? 'high',
  };
}

/** Tokens handed from the sign-in popup to this frame (same origin, the popup we opened). */
export interface AuthHandoff {
  token: string;
  refreshToken: string | null;
  idToken: string | null;
}

export function readAuthHandoff(event: IncomingMessage, ownOrigin: string, popup: unknown): AuthHandoff | null {
  if (event.origin !== ownOrigin || !popup || event.source !== popup) return null;
  const parsed = z.object({ type: z.literal(AUTH_MESSAGE_TYPE), token: z.string().min(20), refreshToken: z.string().nullable(), idToken: z.string().nullable() }).safeParse(event.data);
  return parsed.success ? { token: parsed.data.token, refreshToken: parsed.data.refreshToken, idToken: parsed.data.idToken } : null;
}

/** keycloak-js wants the server base and the realm; the issuer is `{base}/realms/{realm}`. */
export function keycloakSettings(issuer: string): { url: string; realm: string } | null {
  const match = /^(https?:\/\/.+?)\/realms\/([^/]+)\/?$/.exec(issuer);
  return match ? { url: match[1]!, realm: decodeURIComponent(match[2]!) } : null;
}
