import { randomBytes } from 'node:crypto';
import { ChatwootHttpError, createApplicationClient, createPlatformClient, expectOk, type ChatwootApplicationClient, type ChatwootPlatformClient } from './client.ts';

/**
 * Connects wrrk's tenants to Chatwoot through its APIs, idempotently (run it again at any time):
 * - one service user (administrator in every tenant account) whose API token the orchestrator
 *   uses for its write-backs;
 * - per tenant: its account (created through the Platform API, or reused), wrrk's webhook
 *   (created through the API, so Chatwoot generates the secret and the UI's dotted-hostname rule
 *   does not apply; the URL names the account so the receiver finds the secret), the labels and
 *   custom attribute definitions wrrk writes, and the "Escalate to CEO" dashboard app.
 * The account id and webhook secret are saved through `TenantConnectionStore` (the
 * orchestrator's tenant settings).
 */

export const WEBHOOK_EVENTS = ['message_created', 'conversation_created', 'conversation_status_changed', 'conversation_updated'] as const;

export interface TenantConnection {
  accountId: number;
  webhookSecret: string | null;
}

export interface TenantConnectionStore {
  get(tenantId: string): Promise<TenantConnection | null>;
  save(tenantId: string, connection: TenantConnection): Promise<void>;
}

export interface BootstrapOptions {
  chatwootUrl: string;
  platformToken: string;
  /** Where Chatwoot reaches the orchestrator (may be an internal address; see README on SAFE_FETCH_ALLOW_PRIVATE_NETWORK). */
  webhookBaseUrl: string;
  /** The dashboard app page, e.g. `https://wrrk.example.com/chatwoot-app`. */
  dashboardAppUrl: string;
  dashboardAppTitle?: string;
  serviceUser: { name: string; email: string };
  /** Labels to define in each account: the trigger and the status labels, with colours. */
  labels: Array<{ title: string; color: string; description: string }>;
  fetch?: typeof globalThis.fetch;
}

export interface TenantReport {
  tenantId: string;
  accountId: number;
  accountCreated: boolean;
  webhook: 'created' | 'updated' | 'unchanged';
  dashboardApp: 'created' | 'unchanged';
  labelsCreated: string[];
  attributesCreated: string[];
}

export interface BootstrapReport {
  serviceUser: { id: number; email: string; accessToken: string };
  tenants: TenantReport[];
}

const ATTRIBUTES = [
  { attribute_key: 'approval_id', attribute_display_name: 'wrrk approval', attribute_display_type: 0, attribute_description: 'The escalation in wrrk (set by wrrk)' },
  { attribute_key: 'approval_status', attribute_display_name: 'CEO decision', attribute_display_type: 0, attribute_description: 'pending, approved, rejected or cancelled (set by wrrk)' },
  { attribute_key: 'approval_url', attribute_display_name: 'Open in wrrk', attribute_display_type: 4, attribute_description: 'Link to the escalation in wrrk (set by wrrk)' },
] as const;

export function webhookUrlFor(webhookBaseUrl: string, accountId: number): string {
  return `${webhookBaseUrl.replace(/\/+$/, '')}/api/webhooks/chatwoot?account_id=${accountId}`;
}

/** Chatwoot's password rules (upper, lower, digit, special); nobody signs in with it. */
const unusablePassword = () => `${randomBytes(24).toString('base64url')}Aa1!`;

async function ensureServiceUser(platform: ChatwootPlatformClient, options: BootstrapOptions) {
  // Chatwoot returns the existing user for a known email, so this is safe to repeat.
  const user = expectOk(await platform.POST('/platform/api/v1/users', { body: { name: options.serviceUser.name, email: options.serviceUser.email, password: unusablePassword(), custom_attributes: { wrrk: 'service-user' } } }), 'create service user');
  if (typeof user.id !== 'number') throw new Error('Chatwoot returned no id for the service user');
  let accessToken = user.access_token;
  if (!accessToken) accessToken = expectOk(await platform.POST('/platform/api/v1/users/{id}/token', { params: { path: { id: user.id } } }), 'service user token').access_token;
  return { id: user.id, email: options.serviceUser.email, accessToken };
}

async function ensureAccount(platform: ChatwootPlatformClient, existing: TenantConnection | null, name: string): Promise<{ accountId: number; created: boolean }> {
  if (existing) {
    const found = await platform.GET('/platform/api/v1/accounts/{account_id}', { params: { path: { account_id: existing.accountId } } });
    if (found.response.ok) return { accountId: existing.accountId, created: false };
    if (found.response.status === 401) {
      throw new Error(`Chatwoot account ${existing.accountId} exists but the platform app may not manage it: link it once in a Rails console with PlatformAppPermissible.create!(platform_app: <app>, permissible: Account.find(${existing.accountId})) — see chatwoot/README.md`);
    }
    if (found.response.status !== 404) expectOk(found, 'read account');
  }
  const created = expectOk(await platform.POST('/platform/api/v1/accounts', { body: { name } }), 'create account');
  if (typeof created.id !== 'number') throw new Error('Chatwoot returned no account id');
  return { accountId: created.id, created: true };
}

async function ensureWebhook(app: ChatwootApplicationClient, accountId: number, url: string) {
  const path = { account_id: accountId };
  const hooks = expectOk(await app.GET('/api/v1/accounts/{account_id}/webhooks', { params: { path } }), 'list webhooks');
  const wanted = [...WEBHOOK_EVENTS];
  const existing = hooks.find((hook) => hook.url === url);
  if (!existing) {
    const created = expectOk(await app.POST('/api/v1/accounts/{account_id}/webhooks', { params: { path }, body: { url, name: 'wrrk orchestrator', subscriptions: wanted } }), 'create webhook');
    return { secret: created.secret ?? null, outcome: 'created' as const };
  }
  const current = [...(existing.subscriptions ?? [])].sort().join(',');
  if (current === [...wanted].sort().join(',')) return { secret: existing.secret ?? null, outcome: 'unchanged' as const };
  const updated = expectOk(
    await app.PATCH('/api/v1/accounts/{account_id}/webhooks/{webhook_id}', { params: { path: { account_id: accountId, webhook_id: existing.id! } }, body: { url, name: existing.name ?? 'wrrk orchestrator', subscriptions: wanted } }),
    'update webhook',
  );
  return { secret: updated.secret ?? existing.secret ?? null, outcome: 'updated' as const };
}

async function ensureLabels(app: ChatwootApplicationClient, accountId: number, labels: BootstrapOptions['labels']): Promise<string[]> {
  const path = { account_id: accountId };
  const existing = new Set((expectOk(await app.GET('/api/v1/accounts/{account_id}/labels', { params: { path } }), 'list labels').payload ?? []).map((label) => label.title));
  const created: string[] = [];
  for (const label of labels) {
    if (existing.has(label.title)) continue;
    expectOk(await app.POST('/api/v1/accounts/{account_id}/labels', { params: { path }, body: { title: label.title, color: label.color, show_on_sidebar: true } }), `create label ${label.title}`);
    created.push(label.title);
  }
  return created;
}

async function ensureAttributes(app: ChatwootApplicationClient, accountId: number): Promise<string[]> {
  const path = { account_id: accountId };
  const existing = new Set(expectOk(await app.GET('/api/v1/accounts/{account_id}/custom_attribute_definitions', { params: { path, query: { attribute_model: '0' } } }), 'list attribute definitions').map((d) => d.attribute_key));
  const created: string[] = [];
  for (const attribute of ATTRIBUTES) {
    if (existing.has(attribute.attribute_key)) continue;
    // attribute_model 0 = conversation_attribute; display type 0 = text, 4 = link (Chatwoot's enums).
    expectOk(await app.POST('/api/v1/accounts/{account_id}/custom_attribute_definitions', { params: { path }, body: { ...attribute, attribute_model: 0 } }), `create attribute ${attribute.attribute_key}`);
    created.push(attribute.attribute_key);
  }
  return created;
}

async function ensureDashboardApp(app: ChatwootApplicationClient, accountId: number, url: string, title: string): Promise<'created' | 'unchanged'> {
  const path = { account_id: accountId };
  const apps = expectOk(await app.GET('/api/v1/accounts/{account_id}/dashboard_apps', { params: { path } }), 'list dashboard apps');
  if (apps.some((a) => a.content.some((frame) => frame.url === url))) return 'unchanged';
  expectOk(await app.POST('/api/v1/accounts/{account_id}/dashboard_apps', { params: { path }, body: { dashboard_app: { title, content: [{ type: 'frame', url }] } } }), 'create dashboard app');
  return 'created';
}

export async function bootstrapChatwoot(options: BootstrapOptions, tenants: ReadonlyArray<{ tenantId: string; name: string }>, store: TenantConnectionStore, log: (line: string) => void = () => {}): Promise<BootstrapReport> {
  const clientOptions = { baseUrl: options.chatwootUrl, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const platform = createPlatformClient({ ...clientOptions, token: options.platformToken });
  const serviceUser = await ensureServiceUser(platform, options);
  log(`service user ${serviceUser.email} is Chatwoot user ${serviceUser.id}`);
  const app = createApplicationClient({ ...clientOptions, token: serviceUser.accessToken });

  const reports: TenantReport[] = [];
  for (const tenant of tenants) {
    const existing = await store.get(tenant.tenantId);
    const { accountId, created } = await ensureAccount(platform, existing, tenant.name);
    // Administrator: sees every conversation and is never auto-assigned when it reopens one.
    expectOk(await platform.POST('/platform/api/v1/accounts/{account_id}/account_users', { params: { path: { account_id: accountId } }, body: { user_id: serviceUser.id, role: 'administrator' } }), 'add service user');
    const webhook = await ensureWebhook(app, accountId, webhookUrlFor(options.webhookBaseUrl, accountId));
    if (!webhook.secret) throw new Error(`Chatwoot returned no webhook secret for account ${accountId}: Chatwoot v4.11.2 or newer is required (signed webhooks)`);
    // Saved before anything else can fail, so a webhook never arrives for an unknown secret.
    await store.save(tenant.tenantId, { accountId, webhookSecret: webhook.secret });
    const report: TenantReport = {
      tenantId: tenant.tenantId,
      accountId,
      accountCreated: created,
      webhook: webhook.outcome,
      labelsCreated: await ensureLabels(app, accountId, options.labels),
      attributesCreated: await ensureAttributes(app, accountId),
      dashboardApp: await ensureDashboardApp(app, accountId, options.dashboardAppUrl, options.dashboardAppTitle ?? 'Escalate to CEO'),
    };
    log(`${tenant.tenantId}: account ${accountId}${created ? ' (new)' : ''}, webhook ${report.webhook}, dashboard app ${report.dashboardApp}`);
    reports.push(report);
  }
  return { serviceUser, tenants: reports };
}

export { ChatwootHttpError };
