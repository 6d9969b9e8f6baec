import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatwootDouble, type ChatwootDouble } from '@wrrk/orchestrator/chatwoot/testing/chatwoot-double.ts';
import { bootstrapChatwoot, webhookUrlFor, type BootstrapOptions, type TenantConnection } from './bootstrap.ts';

describe('Chatwoot bootstrap (against the contract-validated double)', () => {
  let chatwoot: ChatwootDouble;
  const saved = new Map<string, TenantConnection>();
  const store = { get: async (id: string) => saved.get(id) ?? null, save: async (id: string, c: TenantConnection) => void saved.set(id, c) };
  const tenants = [{ tenantId: '/organizations/acme-corp', name: 'Acme Corp' }, { tenantId: '/organizations/globex', name: 'Globex' }];
  let options: BootstrapOptions;

  beforeAll(async () => {
    chatwoot = await startChatwootDouble({ sendWebhooks: false });
    options = {
      chatwootUrl: chatwoot.url,
      platformToken: chatwoot.platformToken,
      webhookBaseUrl: 'http://orchestrator:4000/',
      dashboardAppUrl: 'https://wrrk.example.com/chatwoot-app',
      serviceUser: { name: 'wrrk', email: 'wrrk-orchestrator@wrrk.invalid' },
      labels: [{ title: 'escalate', color: '#7c3aed', description: 'trigger' }, { title: 'ceo-pending', color: '#f59e0b', description: 'pending' }],
    };
  });
  afterAll(() => chatwoot.close());
  afterEach(() => expect(chatwoot.violations).toEqual([]));

  it('creates accounts, the service user, webhooks (storing their secrets), labels, attributes and the dashboard app', async () => {
    const report = await bootstrapChatwoot(options, tenants, store);
    expect(report.tenants.map((t) => [t.accountCreated, t.webhook, t.dashboardApp])).toEqual([[true, 'created', 'created'], [true, 'created', 'created']]);
    for (const tenant of report.tenants) {
      const account = chatwoot.account(tenant.accountId);
      expect(account.members.get(report.serviceUser.id)).toBe('administrator');
      expect(account.webhooks).toHaveLength(1);
      expect(account.webhooks[0]).toMatchObject({ url: webhookUrlFor('http://orchestrator:4000', tenant.accountId), subscriptions: ['message_created', 'conversation_created', 'conversation_status_changed', 'conversation_updated'] });
      expect(saved.get(tenant.tenantId)).toEqual({ accountId: tenant.accountId, webhookSecret: account.webhooks[0]!.secret });
      expect(account.labels.map((l) => l.title)).toEqual(['escalate', 'ceo-pending']);
      expect(account.attributeDefinitions.map((d) => [d.attribute_key, d.attribute_display_type])).toEqual([['approval_id', 'text'], ['approval_status', 'text'], ['approval_url', 'link']]);
      expect(account.dashboardApps).toEqual([{ id: expect.any(Number), title: 'Escalate to CEO', content: [{ type: 'frame', url: 'https://wrrk.example.com/chatwoot-app' }] }]);
    }
    expect(chatwoot.user(report.serviceUser.id)?.accessToken).toBe(report.serviceUser.accessToken);
  });

  it('changes nothing when run again', async () => {
    const before = chatwoot.requests.length;
    const report = await bootstrapChatwoot(options, tenants, store);
    expect(report.tenants.map((t) => [t.accountCreated, t.webhook, t.dashboardApp, t.labelsCreated, t.attributesCreated])).toEqual([
      [false, 'unchanged', 'unchanged', [], []],
      [false, 'unchanged', 'unchanged', [], []],
    ]);
    const writes = chatwoot.requests.slice(before).filter((r) => r.method !== 'GET').map((r) => r.operationId);
    // Only the two upserts Chatwoot treats as idempotent: the service user (found by email) and its membership.
    expect(new Set(writes)).toEqual(new Set(['create-a-user', 'create-an-account-user']));
    expect(chatwoot.accounts()).toHaveLength(2);
  });

  it('repairs a webhook whose subscriptions were edited and explains a non-permissible account', async () => {
    const acme = saved.get('/organizations/acme-corp')!;
    const hook = chatwoot.account(acme.accountId).webhooks[0]!;
    hook.subscriptions = ['message_created'];
    const report = await bootstrapChatwoot(options, tenants.slice(0, 1), store);
    expect(report.tenants[0]!.webhook).toBe('updated');

    const onboarded = chatwoot.seedAccount('Made in the UI', { viaPlatform: false });
    await store.save('/organizations/initech', { accountId: onboarded.id, webhookSecret: null });
    await expect(bootstrapChatwoot(options, [{ tenantId: '/organizations/initech', name: 'Initech' }], store)).rejects.toThrow(/PlatformAppPermissible/);
  });
});
