import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

const { alice, adam, olga } = PERSONAS;
let t: TestOrchestrator;
const q = (tenant: string) => `/api/settings?tenantId=${encodeURIComponent(tenant)}`;

beforeAll(async () => {
  t = await startTestOrchestrator({ env: { JITSI_URL: 'https://meet.example.test', JITSI_APP_ID: 'wrrk', JITSI_APP_SECRET: 's'.repeat(32) } });
});
afterAll(() => t.shutdown());

describe('tenant settings', () => {
  it('shows defaults and which integrations are connected', async () => {
    const res = await t.call(alice, 'GET', q(ACME));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      tenantId: ACME,
      slaMinutes: { urgent: 60, high: 240, medium: 1440, low: 4320 },
      integrations: { jitsi: { configured: true, url: 'https://meet.example.test' }, chatwoot: { configured: false } },
    });
  });

  it('lets an admin change the SLA, audited, and new escalations follow it', async () => {
    expect((await t.call(alice, 'PATCH', q(ACME), { slaMinutes: { high: 30 } })).status).toBe(403);
    const bad = await t.call(adam, 'PATCH', q(ACME), { slaMinutes: { urgent: 500, high: 30 } });
    expect(bad.status).toBe(400);
    const res = await t.call(adam, 'PATCH', q(ACME), { slaMinutes: { urgent: 15, high: 30 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slaMinutes: { urgent: 15, high: 30, medium: 1440 } });
    const created = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'x', priority: 'high' });
    const approval = (await created.json()) as { dueAt: string; createdAt: string };
    expect(Date.parse(approval.dueAt) - Date.parse(approval.createdAt)).toBe(30 * 60_000);
    const history = await t.call(adam, 'GET', `/api/audit?tenantId=${encodeURIComponent(ACME)}&action=settings.updated`);
    expect(((await history.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('keeps each tenant\'s settings to itself', async () => {
    expect((await t.call(olga, 'GET', q(ACME))).status).toBe(403);
    const globex = await t.call(olga, 'GET', q(GLOBEX));
    expect(await globex.json()).toMatchObject({ slaMinutes: { high: 240 } });
  });
});
