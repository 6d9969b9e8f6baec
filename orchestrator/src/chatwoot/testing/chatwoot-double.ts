import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeSignature } from '../webhook-signature.ts';
import { loadChatwootContract, type ContractOperation, type Violation } from './openapi-contract.ts';

/**
 * A local test double of the Chatwoot v4.15.1 endpoints wrrk calls: the Application API
 * (conversations, messages, labels, custom attributes, webhooks, account labels and attribute
 * definitions, dashboard apps) and the Platform API (accounts, users, account users, tokens).
 *
 * Every request and every answer is validated against Chatwoot's published OpenAPI description
 * (plus the documented supplement); a mismatch is recorded in `violations`, and tests assert
 * there are none, so the double cannot drift from the contract. Like Chatwoot, it sends signed
 * account webhooks (Rails-style JSON escaping, `X-Chatwoot-*` headers) for the changes it makes,
 * asynchronously, and it can simulate outages, rate limits and lost answers.
 */

export interface DoubleMessage {
  id: number;
  content: string;
  messageType: 0 | 1 | 2 | 3;
  private: boolean;
  contentAttributes: Record<string, unknown>;
  senderType: 'Contact' | 'User' | 'AgentBot';
  senderId: number;
  createdAt: number;
}

export interface DoubleConversation {
  id: number;
  uuid: string;
  inboxId: number;
  status: 'open' | 'resolved' | 'pending';
  labels: string[];
  customAttributes: Record<string, unknown>;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  contact: { id: number; name: string; email: string };
  assignee: { id: number; name: string; email: string } | null;
  messages: DoubleMessage[];
  createdAt: number;
  updatedAt: number;
}

export interface DoubleUser {
  id: number;
  name: string;
  email: string;
  accessToken: string;
  customAttributes: Record<string, unknown>;
}

interface DoubleWebhook {
  id: number;
  url: string;
  name: string;
  subscriptions: string[];
  secret: string;
}

interface DoubleAccount {
  id: number;
  name: string;
  members: Map<number, 'agent' | 'administrator'>;
  conversations: Map<number, DoubleConversation>;
  webhooks: DoubleWebhook[];
  labels: Array<{ id: number; title: string; color: string; show_on_sidebar: boolean }>;
  attributeDefinitions: Array<{ id: number; attribute_display_name: string; attribute_key: string; attribute_display_type: string; attribute_model: string; attribute_description: string }>;
  dashboardApps: Array<{ id: number; title: string; content: Array<{ type: 'frame'; url: string }> }>;
  nextDisplayId: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  body: unknown;
}

export interface SentWebhook {
  accountId: number;
  event: string;
  deliveryId: string;
  status: number | null;
  payload: Record<string, unknown>;
}

type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'reset' };

const CHANNEL = 'Channel::WebWidget';
const nowSeconds = () => Date.now() / 1000;
const EVENTS = ['conversation_created', 'conversation_status_changed', 'conversation_updated', 'message_created', 'message_updated', 'contact_created', 'contact_updated', 'webwidget_triggered', 'conversation_typing_on', 'conversation_typing_off', 'inbox_created', 'inbox_updated'];

/** Rails' `to_json` escapes <, > and & (ActiveSupport::JSON::Encoding.escape_html_entities_in_json). */
export const railsJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

class HttpProblem extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}
const fail = (status: number, message: string): never => {
  throw new HttpProblem(status, status === 401 ? { error: message } : { message, errors: [{ message }] });
};

export async function startChatwootDouble(options: { platformToken?: string; sendWebhooks?: boolean } = {}) {
  const contract = loadChatwootContract();
  const platformToken = options.platformToken ?? `platform-${randomBytes(8).toString('hex')}`;
  const accounts = new Map<number, DoubleAccount>();
  const users = new Map<number, DoubleUser>();
  const permissible = { accounts: new Set<number>(), users: new Set<number>() };
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const sentWebhooks: SentWebhook[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let sequence = 100;
  const nextId = () => (sequence += 1);
  let fault: Fault | null = null;
  let dropAnswers = 0;
  let dropOperation: string | null = null;
  let webhooksEnabled = options.sendWebhooks ?? true;

  // ---------------------------------------------------------------- serialisers (Chatwoot's views)
  const accountOf = (id: number) => accounts.get(id) ?? fail(404, 'Resource could not be found');
  const conversationOf = (account: DoubleAccount, id: number) => account.conversations.get(id) ?? fail(404, 'Resource could not be found');

  const contactPush = (c: DoubleConversation) => ({ additional_attributes: {}, custom_attributes: {}, email: c.contact.email, id: c.contact.id, identifier: null, name: c.contact.name, phone_number: null, thumbnail: '', blocked: false, type: 'contact' });
  const senderOf = (m: DoubleMessage, c: DoubleConversation) => {
    if (m.senderType === 'Contact') return contactPush(c);
    const user = users.get(m.senderId);
    return { id: m.senderId, name: user?.name ?? 'unknown', available_name: user?.name ?? 'unknown', avatar_url: '', type: 'user', availability_status: 'online', thumbnail: '' };
  };
  /** Message#push_event_data: the REST and conversation.messages[] shape (message_type as integer). */
  const messageJson = (account: DoubleAccount, c: DoubleConversation, m: DoubleMessage) => ({
    id: m.id,
    content: m.content,
    account_id: account.id,
    inbox_id: c.inboxId,
    conversation_id: c.id,
    message_type: m.messageType,
    created_at: m.createdAt,
    updated_at: new Date(m.createdAt * 1000).toISOString(),
    private: m.private,
    status: 'sent',
    source_id: null,
    content_type: 'text',
    content_attributes: m.contentAttributes,
    sender_type: m.senderType,
    sender_id: m.senderId,
    external_source_ids: {},
    additional_attributes: {},
    processed_message_content: m.content,
    sentiment: {},
    conversation: { assignee_id: c.assignee?.id ?? null, unread_count: 0, last_activity_at: Math.floor(c.updatedAt), contact_inbox: { source_id: c.uuid } },
    sender: senderOf(m, c),
  });
  const lastVisible = (c: DoubleConversation) => [...c.messages].reverse().find((m) => m.messageType !== 2 && !m.private);
  const assigneePush = (c: DoubleConversation) => (c.assignee ? { id: c.assignee.id, name: c.assignee.name, available_name: c.assignee.name, avatar_url: '', type: 'user', availability_status: 'online', thumbnail: '' } : null);

  /** Conversations::EventDataPresenter#webhook_data (the webhook shape). */
  const conversationWebhookData = (account: DoubleAccount, c: DoubleConversation) => {
    const last = lastVisible(c);
    return {
      additional_attributes: {},
      can_reply: true,
      channel: CHANNEL,
      contact_inbox: { id: c.contact.id + 1000, contact_id: c.contact.id, inbox_id: c.inboxId, source_id: c.uuid, created_at: new Date(c.createdAt * 1000).toISOString(), updated_at: new Date(c.createdAt * 1000).toISOString(), hmac_verified: false, pubsub_token: 'double' },
      id: c.id,
      inbox_id: c.inboxId,
      messages: last ? [messageJson(account, c, last)] : [],
      labels: [...c.labels],
      meta: { sender: contactPush(c), assignee: assigneePush(c), assignee_type: c.assignee ? 'User' : null, team: null, hmac_verified: false },
      status: c.status,
      custom_attributes: { ...c.customAttributes },
      snoozed_until: null,
      unread_count: 0,
      first_reply_created_at: null,
      priority: c.priority,
      waiting_since: 0,
      agent_last_seen_at: 0,
      contact_last_seen_at: 0,
      last_activity_at: Math.floor(c.updatedAt),
      timestamp: Math.floor(c.updatedAt),
      created_at: Math.floor(c.createdAt),
      updated_at: c.updatedAt,
      account: { id: account.id, name: account.name },
    };
  };
  /** The conversation as the REST API shows it (conversations/partials/_conversation.json.jbuilder). */
  const conversationJson = (account: DoubleAccount, c: DoubleConversation) => {
    const last = lastVisible(c);
    return {
      id: c.id,
      account_id: account.id,
      uuid: c.uuid,
      inbox_id: c.inboxId,
      status: c.status,
      labels: [...c.labels],
      custom_attributes: { ...c.customAttributes },
      priority: c.priority,
      additional_attributes: {},
      agent_last_seen_at: 0,
      assignee_last_seen_at: 0,
      contact_last_seen_at: 0,
      can_reply: true,
      muted: false,
      snoozed_until: null,
      unread_count: 0,
      first_reply_created_at: null,
      waiting_since: null,
      last_activity_at: Math.floor(c.updatedAt),
      timestamp: Math.floor(c.updatedAt),
      created_at: Math.floor(c.createdAt),
      updated_at: c.updatedAt,
      messages: last ? [messageJson(account, c, last)] : [],
      meta: {
        sender: { additional_attributes: {}, availability_status: 'offline', email: c.contact.email, id: c.contact.id, name: c.contact.name, phone_number: null, blocked: false, identifier: null, thumbnail: '', custom_attributes: {}, last_activity_at: Math.floor(c.updatedAt), created_at: Math.floor(c.createdAt) },
        channel: CHANNEL,
        ...(c.assignee ? { assignee: { id: c.assignee.id, name: c.assignee.name, available_name: c.assignee.name, email: c.assignee.email } } : {}),
        hmac_verified: false,
      },
    };
  };
  /** Message#webhook_data (message_type as a string, sender as webhook_data). */
  const messageWebhookData = (account: DoubleAccount, c: DoubleConversation, m: DoubleMessage) => ({
    account: { id: account.id, name: account.name },
    additional_attributes: {},
    content_attributes: m.contentAttributes,
    content_type: 'text',
    content: m.content,
    conversation: conversationWebhookData(account, c),
    created_at: new Date(m.createdAt * 1000).toISOString(),
    id: m.id,
    inbox: { id: c.inboxId, name: 'Website' },
    message_type: (['incoming', 'outgoing', 'activity', 'template'] as const)[m.messageType],
    private: m.private,
    sender: m.senderType === 'Contact'
      ? { account: { id: account.id, name: account.name }, additional_attributes: {}, avatar: '', custom_attributes: {}, email: c.contact.email, id: c.contact.id, identifier: null, name: c.contact.name, phone_number: null, thumbnail: '', blocked: false }
      : { id: m.senderId, name: users.get(m.senderId)?.name ?? 'unknown', email: users.get(m.senderId)?.email ?? '', type: 'user' },
    source_id: null,
  });
  const userJson = (u: DoubleUser) => ({
    id: u.id,
    access_token: u.accessToken,
    account_id: [...accounts.values()].find((a) => a.members.has(u.id))?.id ?? 0,
    available_name: u.name,
    avatar_url: '',
    confirmed: true,
    display_name: null,
    message_signature: null,
    email: u.email,
    name: u.name,
    provider: 'email',
    pubsub_token: `pubsub-${u.id}`,
    role: 'agent',
    ui_settings: {},
    uid: u.email,
    type: null,
    custom_attributes: { ...u.customAttributes },
    accounts: [...accounts.values()].filter((a) => a.members.has(u.id)).map((a) => ({ id: a.id, name: a.name, status: 'active', active_at: null, role: a.members.get(u.id)!, permissions: [], availability: 'online', availability_status: 'online', auto_offline: true, custom_role_id: null, custom_role: null })),
  });

  // ---------------------------------------------------------------- webhooks, as WebhookJob sends them
  function emit(account: DoubleAccount, event: string, payload: Record<string, unknown>) {
    if (!webhooksEnabled) return;
    for (const hook of account.webhooks) {
      if (!hook.subscriptions.includes(event)) continue;
      const body = railsJson({ ...payload, event });
      const timestamp = String(Math.floor(nowSeconds()));
      const deliveryId = randomUUID();
      const record: SentWebhook = { accountId: account.id, event, deliveryId, status: null, payload: { ...payload, event } };
      sentWebhooks.push(record);
      const sending = fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': computeSignature(hook.secret, timestamp, body), 'x-chatwoot-delivery': deliveryId },
        body,
        signal: AbortSignal.timeout(5_000),
      })
        .then(async (response) => {
          record.status = response.status;
          await response.arrayBuffer();
        })
        // Chatwoot logs and forgets a failed account webhook (no retry).
        .catch(() => undefined);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
  }
  const touch = (c: DoubleConversation) => {
    c.updatedAt = Math.max(nowSeconds(), c.updatedAt + 0.001);
  };
  const emitUpdated = (account: DoubleAccount, c: DoubleConversation, changes: Array<Record<string, { previous_value: unknown; current_value: unknown }>>) => {
    emit(account, 'conversation_updated', { ...conversationWebhookData(account, c), changed_attributes: changes });
  };

  // ---------------------------------------------------------------- request handlers
  type Ctx = { operation: ContractOperation; path: Record<string, string>; query: URLSearchParams; body: Record<string, unknown>; user: DoubleUser | null };
  const n = (value: string | undefined) => Number(value);

  const requireMember = (ctx: Ctx, account: DoubleAccount, admin = false) => {
    if (!ctx.user || !account.members.has(ctx.user.id)) fail(401, 'You are not authorized to access this account');
    if (admin && account.members.get(ctx.user!.id) !== 'administrator') fail(401, 'You are not authorized to do this action');
  };
  const requirePermissible = (set: Set<number>, id: number) => {
    if (!set.has(id)) fail(401, 'Non permissible resource');
  };

  const handlers: Record<string, (ctx: Ctx) => [number, unknown]> = {
    // Application API ------------------------------------------------------------
    'get-details-of-a-conversation': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      return [200, conversationJson(account, conversationOf(account, n(ctx.path['conversation_id'])))];
    },
    conversationList: (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const status = ctx.query.get('status') ?? 'open';
      const labels = [...ctx.query.getAll('labels'), ...ctx.query.getAll('labels[]')];
      const inbox = ctx.query.get('inbox_id');
      const page = Number(ctx.query.get('page') ?? '1');
      const all = [...account.conversations.values()]
        .filter((c) => status === 'all' || c.status === status)
        .filter((c) => labels.length === 0 || labels.some((l) => c.labels.includes(l)))
        .filter((c) => !inbox || c.inboxId === Number(inbox))
        .sort((a, b) => b.updatedAt - a.updatedAt);
      const payload = all.slice((page - 1) * 25, page * 25).map((c) => conversationJson(account, c));
      return [200, { data: { meta: { mine_count: 0, unassigned_count: all.filter((c) => !c.assignee).length, assigned_count: all.filter((c) => c.assignee).length, all_count: all.length }, payload } }];
    },
    'list-all-messages': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const c = conversationOf(account, n(ctx.path['conversation_id']));
      const before = ctx.query.get('before');
      const after = ctx.query.get('after');
      let list = [...c.messages].sort((a, b) => a.id - b.id);
      if (before) list = list.filter((m) => m.id < Number(before));
      if (after) list = list.filter((m) => m.id > Number(after)).slice(0, 100);
      else list = list.slice(-20);
      return [200, { meta: { labels: [...c.labels], additional_attributes: {} }, payload: list.map((m) => messageJson(account, c, m)) }];
    },
    'create-a-new-message-in-a-conversation': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const c = conversationOf(account, n(ctx.path['conversation_id']));
      const type = ctx.body['message_type'] === 'incoming' ? 0 : 1;
      const message: DoubleMessage = {
        id: nextId(),
        content: String(ctx.body['content']),
        messageType: type,
        private: Boolean(ctx.body['private']),
        // MessageBuilder stores what it is given for text, with its own keys beside.
        contentAttributes: { ...(ctx.body['content_attributes'] as Record<string, unknown> | undefined), items: null, in_reply_to: null },
        senderType: 'User',
        senderId: ctx.user!.id,
        createdAt: Math.floor(nowSeconds()),
      };
      c.messages.push(message);
      touch(c);
      emit(account, 'message_created', messageWebhookData(account, c, message));
      return [200, messageJson(account, c, message)];
    },
    'list-all-labels-of-a-conversation': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      return [200, { payload: [...conversationOf(account, n(ctx.path['conversation_id'])).labels] }];
    },
    'conversation-add-labels': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const c = conversationOf(account, n(ctx.path['conversation_id']));
      const before = [...c.labels];
      // label_list= replaces the whole list (app/models/concerns/labelable.rb).
      c.labels = [...new Set((ctx.body['labels'] as string[]).map((l) => l.toLowerCase()))];
      if (before.join(',') !== c.labels.join(',')) {
        touch(c);
        emitUpdated(account, c, [{ label_list: { previous_value: before, current_value: [...c.labels] } }]);
      }
      return [200, { payload: [...c.labels] }];
    },
    'update-custom-attributes-of-a-conversation': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const c = conversationOf(account, n(ctx.path['conversation_id']));
      const before = { ...c.customAttributes };
      c.customAttributes = { ...(ctx.body['custom_attributes'] as Record<string, unknown>) };
      if (JSON.stringify(before) !== JSON.stringify(c.customAttributes)) {
        touch(c);
        emitUpdated(account, c, [{ custom_attributes: { previous_value: before, current_value: { ...c.customAttributes } } }]);
      }
      return [200, { custom_attributes: { ...c.customAttributes } }];
    },
    'list-all-webhooks': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account, true);
      return [200, account.webhooks.map((w) => ({ ...w, account_id: account.id }))];
    },
    'create-a-webhook': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account, true);
      const hookUrl = String(ctx.body['url'] ?? '');
      if (!/^https?:\/\/\S+$/.test(hookUrl) || account.webhooks.some((w) => w.url === hookUrl)) fail(422, 'Url is invalid or has already been taken');
      const hook: DoubleWebhook = { id: nextId(), url: hookUrl, name: String(ctx.body['name'] ?? ''), subscriptions: (ctx.body['subscriptions'] as string[] | undefined) ?? EVENTS, secret: randomBytes(18).toString('base64url') };
      account.webhooks.push(hook);
      return [200, { ...hook, account_id: account.id }];
    },
    'update-a-webhook': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account, true);
      const hook = account.webhooks.find((w) => w.id === n(ctx.path['webhook_id'])) ?? fail(404, 'Resource could not be found');
      if (ctx.body['url'] !== undefined) hook.url = String(ctx.body['url']);
      if (ctx.body['name'] !== undefined) hook.name = String(ctx.body['name']);
      if (ctx.body['subscriptions'] !== undefined) hook.subscriptions = ctx.body['subscriptions'] as string[];
      return [200, { ...hook, account_id: account.id }];
    },
    'list-all-labels': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      return [200, { payload: account.labels }];
    },
    'create-a-label': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account, true);
      const title = String(ctx.body['title'] ?? '').toLowerCase();
      if (!/^[a-z0-9_-]+$/.test(title) || account.labels.some((l) => l.title === title)) fail(422, 'Title is invalid or has already been taken');
      const label = { id: nextId(), title, color: String(ctx.body['color'] ?? '#1f93ff'), show_on_sidebar: Boolean(ctx.body['show_on_sidebar']) };
      account.labels.push(label);
      return [200, label];
    },
    'get-account-custom-attribute': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const model = ctx.query.get('attribute_model') === '1' ? 'contact_attribute' : 'conversation_attribute';
      return [200, account.attributeDefinitions.filter((d) => d.attribute_model === model)];
    },
    'add-new-custom-attribute-to-account': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account, true);
      const key = String(ctx.body['attribute_key'] ?? '');
      const model = ctx.body['attribute_model'] === 1 ? 'contact_attribute' : 'conversation_attribute';
      if (!key || account.attributeDefinitions.some((d) => d.attribute_key === key && d.attribute_model === model)) fail(422, 'Attribute key has already been taken');
      const types = ['text', 'number', 'currency', 'percent', 'link', 'date', 'list', 'checkbox'];
      const definition = { id: nextId(), attribute_display_name: String(ctx.body['attribute_display_name'] ?? key), attribute_key: key, attribute_display_type: types[Number(ctx.body['attribute_display_type'] ?? 0)] ?? 'text', attribute_model: model, attribute_description: String(ctx.body['attribute_description'] ?? '') };
      account.attributeDefinitions.push(definition);
      return [200, definition];
    },
    'list-dashboard-apps': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      return [200, account.dashboardApps];
    },
    'create-dashboard-app': (ctx) => {
      const account = accountOf(n(ctx.path['account_id']));
      requireMember(ctx, account);
      const input = ctx.body['dashboard_app'] as { title: string; content: Array<{ type: 'frame'; url: string }> };
      const app = { id: nextId(), title: input.title, content: input.content };
      account.dashboardApps.push(app);
      return [200, app];
    },
    // Platform API -----------------------------------------------------------------
    'create-an-account': (ctx) => {
      const account = createAccount(String(ctx.body['name'] ?? 'Account'));
      permissible.accounts.add(account.id);
      return [200, { id: account.id, name: account.name }];
    },
    'get-details-of-an-account': (ctx) => {
      const id = n(ctx.path['account_id']);
      const account = accountOf(id);
      requirePermissible(permissible.accounts, id);
      return [200, { id: account.id, name: account.name }];
    },
    'list-all-account-users': (ctx) => {
      const id = n(ctx.path['account_id']);
      const account = accountOf(id);
      requirePermissible(permissible.accounts, id);
      return [200, [...account.members].map(([userId, role]) => ({ account_id: id, user_id: userId, role }))];
    },
    'create-an-account-user': (ctx) => {
      const id = n(ctx.path['account_id']);
      const account = accountOf(id);
      requirePermissible(permissible.accounts, id);
      const userId = Number(ctx.body['user_id']);
      const role = ctx.body['role'] === 'administrator' ? 'administrator' : 'agent';
      if (!users.has(userId)) fail(404, 'Resource could not be found');
      // find_or_initialize_by(user_id) + update!: an upsert.
      account.members.set(userId, role);
      return [200, { account_id: id, user_id: userId, role }];
    },
    'delete-an-account-user-with-body': (ctx) => {
      const id = n(ctx.path['account_id']);
      const account = accountOf(id);
      requirePermissible(permissible.accounts, id);
      const userId = Number(ctx.body['user_id']);
      if (!account.members.delete(userId)) fail(404, 'Resource could not be found');
      return [200, undefined];
    },
    'create-a-user': (ctx) => {
      const email = String(ctx.body['email'] ?? '').toLowerCase();
      const existing = [...users.values()].find((u) => u.email === email);
      if (existing) {
        // An existing email returns that user, unchanged, and makes it permissible.
        permissible.users.add(existing.id);
        return [200, userJson(existing)];
      }
      const password = String(ctx.body['password'] ?? '');
      if (password.length < 6 || !/[A-Z]/.test(password) || !/[a-z]/.test(password) || !/\d/.test(password) || !/[^A-Za-z0-9]/.test(password)) fail(422, 'Password must contain upper, lower, digit and special characters');
      const user = createUser({ name: String(ctx.body['name'] ?? email), email, customAttributes: (ctx.body['custom_attributes'] as Record<string, unknown>) ?? {} });
      permissible.users.add(user.id);
      return [200, userJson(user)];
    },
    'get-details-of-a-user': (ctx) => {
      const id = n(ctx.path['id']);
      const user = users.get(id) ?? fail(404, 'Resource could not be found');
      requirePermissible(permissible.users, id);
      return [200, userJson(user)];
    },
    'update-a-user': (ctx) => {
      const id = n(ctx.path['id']);
      const user = users.get(id) ?? fail(404, 'Resource could not be found');
      requirePermissible(permissible.users, id);
      if (ctx.body['name'] !== undefined) user.name = String(ctx.body['name']);
      if (ctx.body['email'] !== undefined) user.email = String(ctx.body['email']).toLowerCase();
      if (ctx.body['custom_attributes']) user.customAttributes = { ...user.customAttributes, ...(ctx.body['custom_attributes'] as Record<string, unknown>) };
      return [200, userJson(user)];
    },
    'delete-a-user': (ctx) => {
      const id = n(ctx.path['id']);
      if (!users.has(id)) fail(404, 'Resource could not be found');
      requirePermissible(permissible.users, id);
      users.delete(id);
      for (const account of accounts.values()) account.members.delete(id);
      return [200, undefined];
    },
    'create-user-token': (ctx) => {
      const id = n(ctx.path['id']);
      const user = users.get(id) ?? fail(404, 'Resource could not be found');
      requirePermissible(permissible.users, id);
      return [200, { access_token: user.accessToken, expiry: null, user: { id: user.id, name: user.name, display_name: null, email: user.email, pubsub_token: `pubsub-${user.id}` } }];
    },
  };

  // ---------------------------------------------------------------- HTTP plumbing
  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
    res.end(text);
  }

  const server = createServer(async (req, res) => {
    const target = new URL(req.url ?? '/', 'http://double');
    const raw = await readBody(req);
    const record: RecordedRequest = { method: req.method ?? 'GET', path: target.pathname + target.search, operationId: null, status: 0, body: raw ? safeJson(raw) : undefined };
    requests.push(record);
    if (fault) {
      if (fault.kind === 'reset') {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      record.status = fault.status;
      return send(res, fault.status, { error: 'unavailable' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    const found = contract.find(record.method, target.pathname);
    if (!found) {
      violations.push({ operation: `${record.method} ${target.pathname}`, where: 'request', errors: ['no such operation in the Chatwoot OpenAPI description'] });
      record.status = 404;
      return send(res, 404, { error: 'not in contract' });
    }
    const { operation, pathParams } = found;
    record.operationId = operation.operationId;
    const body = raw ? safeJson(raw) : undefined;
    const requestErrors = contract.validateRequest(operation, { pathParams, query: target.searchParams, body, hasBody: Boolean(raw) });
    if (raw && body === INVALID) requestErrors.push('body is not JSON');
    if (requestErrors.length) {
      violations.push({ operation: operation.operationId, where: 'request', errors: requestErrors });
      record.status = 422;
      return send(res, 422, { message: 'request does not match the contract', errors: requestErrors.map((message) => ({ message })) });
    }
    const token = req.headers['api_access_token'];
    const isPlatform = operation.security.includes('platformAppApiKey') && !operation.security.includes('userApiKey');
    let status: number;
    let answer: unknown;
    try {
      if (typeof token !== 'string' || !token) fail(401, 'You need to sign in or sign up before continuing.');
      let user: DoubleUser | null = null;
      if (isPlatform) {
        if (token !== platformToken) fail(401, 'Invalid access_token');
      } else {
        user = [...users.values()].find((u) => u.accessToken === token) ?? fail(401, 'Invalid Access Token');
      }
      const handler = handlers[operation.operationId] ?? fail(501, `the double does not implement ${operation.operationId}`);
      [status, answer] = handler({ operation, path: pathParams, query: target.searchParams, body: (body ?? {}) as Record<string, unknown>, user });
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      status = error.status;
      answer = error.body;
    }
    record.status = status;
    // Chatwoot's description documents few error answers: errors are checked where documented.
    if (status < 400 || operation.responses[String(status)] !== undefined) {
      const responseErrors = contract.validateResponse(operation, status, answer);
      if (responseErrors.length) violations.push({ operation: operation.operationId, where: 'response', errors: responseErrors });
    }
    if (dropAnswers > 0 && record.method !== 'GET' && (!dropOperation || dropOperation === operation.operationId)) {
      // The change is made, the answer is lost: what a timeout looks like to the caller.
      dropAnswers -= 1;
      record.status = -1;
      req.socket.destroy();
      return;
    }
    send(res, status, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // ---------------------------------------------------------------- seeding and inspection
  function createAccount(name: string): DoubleAccount {
    const account: DoubleAccount = { id: nextId(), name, members: new Map(), conversations: new Map(), webhooks: [], labels: [], attributeDefinitions: [], dashboardApps: [], nextDisplayId: 1 };
    accounts.set(account.id, account);
    return account;
  }
  function createUser(input: { name: string; email: string; customAttributes?: Record<string, unknown> }): DoubleUser {
    const user: DoubleUser = { id: nextId(), name: input.name, email: input.email.toLowerCase(), accessToken: randomBytes(12).toString('hex'), customAttributes: input.customAttributes ?? {} };
    users.set(user.id, user);
    return user;
  }

  return {
    url,
    platformToken,
    violations,
    requests,
    sentWebhooks,
    /** An account, e.g. one made by onboarding; `viaPlatform` makes it permissible to the platform app. */
    seedAccount(name: string, seedOptions: { viaPlatform?: boolean } = {}) {
      const account = createAccount(name);
      if (seedOptions.viaPlatform ?? true) permissible.accounts.add(account.id);
      return { id: account.id, name: account.name };
    },
    seedUser(input: { name: string; email: string; accountId?: number; role?: 'agent' | 'administrator' }) {
      const user = createUser(input);
      if (input.accountId !== undefined) accountOf(input.accountId).members.set(user.id, input.role ?? 'agent');
      return user;
    },
    seedMembership(accountId: number, userId: number, role: 'agent' | 'administrator' = 'agent') {
      accountOf(accountId).members.set(userId, role);
    },
    /** A webhook registered out of band (as the bootstrap would), returning its secret. */
    seedWebhook(accountId: number, hookUrl: string, subscriptions: string[] = ['message_created', 'conversation_created', 'conversation_status_changed', 'conversation_updated']) {
      const hook: DoubleWebhook = { id: nextId(), url: hookUrl, name: 'wrrk', subscriptions, secret: randomBytes(18).toString('base64url') };
      accountOf(accountId).webhooks.push(hook);
      return hook;
    },
    /** A customer starts a conversation (conversation_created, then message_created). */
    customerWrites(accountId: number, input: { content: string; contactName?: string; conversationId?: number; priority?: DoubleConversation['priority']; labels?: string[] }) {
      const account = accountOf(accountId);
      let c = input.conversationId === undefined ? undefined : account.conversations.get(input.conversationId);
      if (!c) {
        const at = nowSeconds();
        const contactName = input.contactName ?? 'Jane Doe';
        c = { id: input.conversationId ?? account.nextDisplayId++, uuid: randomUUID(), inboxId: 3, status: 'open', labels: input.labels ?? [], customAttributes: {}, priority: input.priority ?? null, contact: { id: nextId(), name: contactName, email: `${contactName.toLowerCase().replace(/\W+/g, '.')}@customer.test` }, assignee: null, messages: [], createdAt: at, updatedAt: at };
        account.conversations.set(c.id, c);
        emit(account, 'conversation_created', conversationWebhookData(account, c));
      }
      const message: DoubleMessage = { id: nextId(), content: input.content, messageType: 0, private: false, contentAttributes: {}, senderType: 'Contact', senderId: c.contact.id, createdAt: Math.floor(nowSeconds()) };
      c.messages.push(message);
      touch(c);
      emit(account, 'message_created', messageWebhookData(account, c, message));
      return { conversationId: c.id, messageId: message.id };
    },
    /** An agent edits labels in Chatwoot's UI (conversation_updated with label_list). */
    agentSetsLabels(accountId: number, conversationId: number, labels: string[]) {
      const account = accountOf(accountId);
      const c = conversationOf(account, conversationId);
      const before = [...c.labels];
      c.labels = [...labels];
      touch(c);
      emitUpdated(account, c, [{ label_list: { previous_value: before, current_value: [...labels] } }]);
    },
    agentSetsStatus(accountId: number, conversationId: number, status: DoubleConversation['status']) {
      const account = accountOf(accountId);
      const c = conversationOf(account, conversationId);
      const before = c.status;
      c.status = status;
      touch(c);
      emit(account, 'conversation_status_changed', { ...conversationWebhookData(account, c), changed_attributes: null });
      emitUpdated(account, c, [{ status: { previous_value: before, current_value: status } }]);
    },
    conversation(accountId: number, conversationId: number): DoubleConversation {
      return conversationOf(accountOf(accountId), conversationId);
    },
    notes(accountId: number, conversationId: number): DoubleMessage[] {
      return conversationOf(accountOf(accountId), conversationId).messages.filter((m) => m.private);
    },
    /** The webhook payloads Chatwoot would send for this conversation right now. */
    payloads(accountId: number, conversationId: number) {
      const account = accountOf(accountId);
      const c = conversationOf(account, conversationId);
      return {
        conversation: (event: string, changes: unknown = null) => ({ ...conversationWebhookData(account, c), event, ...(event === 'conversation_created' ? {} : { changed_attributes: changes }) }),
        lastMessage: () => ({ ...messageWebhookData(account, c, c.messages.at(-1)!), event: 'message_created' }),
      };
    },
    account(accountId: number) {
      const account = accountOf(accountId);
      return { id: account.id, name: account.name, members: new Map(account.members), webhooks: [...account.webhooks], labels: [...account.labels], attributeDefinitions: [...account.attributeDefinitions], dashboardApps: [...account.dashboardApps] };
    },
    accounts: () => [...accounts.values()].map((a) => ({ id: a.id, name: a.name })),
    user: (id: number) => users.get(id),
    userByEmail: (email: string) => [...users.values()].find((u) => u.email === email.toLowerCase()),
    /** Every request answers with `status` (e.g. 503, or 429 with Retry-After), or the connection is reset. */
    outage(next: Fault | null) {
      fault = next;
    },
    /** The next `count` writes (of one operation, if named) take effect but their answers are lost (connection reset). */
    loseAnswers(count: number, operationId: string | null = null) {
      dropAnswers = count;
      dropOperation = operationId;
    },
    /** Webhooks stop (or resume) being sent: a lost delivery, which Chatwoot never retries. */
    setWebhooks(enabled: boolean) {
      webhooksEnabled = enabled;
    },
    /** Waits until every webhook sent so far has been answered. */
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    async close() {
      await this.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const INVALID = Symbol('invalid json');
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

export type ChatwootDouble = Awaited<ReturnType<typeof startChatwootDouble>>;
