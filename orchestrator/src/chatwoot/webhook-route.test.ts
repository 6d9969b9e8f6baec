import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractsDir } from '@wrrk/chatwoot/spec-paths.ts';
import { saveChatwootConnection } from './chatwoot-settings.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import { startChatwootWorld, type ChatwootWorld } from './testing/chatwoot-harness.ts';
import { chatwootRequest, examplePayload } from './testing/signed-webhook.ts';

describe('POST /api/webhooks/chatwoot', () => {
  let world: ChatwootWorld;
  let conversation = 1000;
  beforeAll(async () => {
    world = await startChatwootWorld();
  });
  afterAll(() => world.close());
  afterEach(() => expect(world.chatwoot.violations).toEqual([]));

  const url = (accountId: number | string) => `${world.baseUrl}/api/webhooks/chatwoot?account_id=${accountId}`;
  const receipts = () => world.orchestrator.db.store.system((tx) => tx.selectFrom('webhook_receipts').select(['delivery_id', 'tenant_id', 'status']).execute());
  const incoming = (conversationId: number, patch?: (p: Record<string, unknown>) => void) => examplePayload('message_created.incoming', world.acme.accountId, conversationId, patch);
  const post = (request: Request) => fetch(request);

  it('records a signed delivery, answers at once, and processes it from the record', async () => {
    const id = ++conversation;
    const response = await post(chatwootRequest(url(world.acme.accountId), incoming(id), { secret: world.acme.secret }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { duplicate: boolean; receiptId: string };
    expect(body).toMatchObject({ received: true, duplicate: false, ignored: false });
    await world.settle();
    const row = await world.orchestrator.db.store.tenant(world.acme.tenantId, (tx) =>
      withChatwootTables(tx).selectFrom('chatwoot_conversations').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({ account_id: world.acme.accountId, status: 'open', contact_name: 'Jane Doe', last_incoming_message: 'Hello, I need approval for a refund of 5000 EUR' });
    expect((await receipts()).find((r) => r.delivery_id && r.tenant_id === world.acme.tenantId && r.status === 'processed')).toBeTruthy();
  });

  it('refuses unsigned, forged, stale, other-tenant and unknown-account requests with 401 and stores nothing', async () => {
    const before = (await receipts()).length;
    const payload = incoming(++conversation);
    const cases: Array<[string, Request]> = [
      ['unsigned', chatwootRequest(url(world.acme.accountId), payload, { secret: world.acme.secret, signature: null })],
      ['forged', chatwootRequest(url(world.acme.accountId), payload, { secret: 'guessed-secret' })],
      ['stale', chatwootRequest(url(world.acme.accountId), payload, { secret: world.acme.secret, timestamp: Math.floor(Date.now() / 1000) - 301 })],
      ['future', chatwootRequest(url(world.acme.accountId), payload, { secret: world.acme.secret, timestamp: Math.floor(Date.now() / 1000) + 900 })],
      ['signed by another tenant', chatwootRequest(url(world.acme.accountId), payload, { secret: world.globex.secret })],
      ['unknown account', chatwootRequest(url(999_999), payload, { secret: world.acme.secret })],
      ['no account in the URL', chatwootRequest(`${world.baseUrl}/api/webhooks/chatwoot`, payload, { secret: world.acme.secret })],
      ['malformed signature', chatwootRequest(url(world.acme.accountId), payload, { secret: world.acme.secret, signature: 'sha256=zz' })],
    ];
    for (const [name, request] of cases) {
      const response = await post(request);
      expect(response.status, name).toBe(401);
      const body = (await response.json()) as { error: string; requestId: string; timestamp: string };
      expect(body.error, name).toBeTruthy();
      expect(body.requestId, name).toBeTruthy();
    }
    expect((await receipts()).length).toBe(before);
    const metrics = await (await world.orchestrator.app.request('/metrics')).text();
    expect(metrics).toMatch(/wrrk_chatwoot_webhooks_total\{outcome="bad_signature"\} [1-9]/);
    expect(metrics).toMatch(/wrrk_chatwoot_webhooks_total\{outcome="stale_timestamp"\} [1-9]/);
  });

  it('treats a redelivery as a duplicate and a replayed signature under a new delivery id as an attack', async () => {
    const deliveryId = randomUUID();
    const timestamp = Math.floor(Date.now() / 1000);
    const first = chatwootRequest(url(world.acme.accountId), incoming(++conversation), { secret: world.acme.secret, deliveryId, timestamp });
    const again = first.clone();
    const replayed = new Request(first.clone(), { headers: { ...Object.fromEntries(first.headers), 'x-chatwoot-delivery': randomUUID() } });
    expect((await (await post(first)).json()) as object).toMatchObject({ duplicate: false });
    expect((await (await post(again)).json()) as object).toMatchObject({ duplicate: true });
    const response = await post(replayed);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { details: { reason: string } }).details.reason).toBe('replayed');
    expect((await receipts()).filter((r) => r.delivery_id === deliveryId)).toHaveLength(1);
  });

  it('checks the payload after the signature: 400 for broken JSON, an invalid payload or another account', async () => {
    const bad = await post(chatwootRequest(url(world.acme.accountId), null, { secret: world.acme.secret, rawBody: '{"event":' }));
    expect(bad.status).toBe(400);
    const invalid = await post(chatwootRequest(url(world.acme.accountId), { event: 'message_created', account: { id: world.acme.accountId }, id: 'x' }, { secret: world.acme.secret }));
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { details: unknown[] }).details.length).toBeGreaterThan(0);
    const foreign = await post(chatwootRequest(url(world.acme.accountId), examplePayload('message_created.incoming', world.globex.accountId, 5), { secret: world.acme.secret }));
    expect(foreign.status).toBe(400);
    // In process: a refused upload ends its keep-alive socket, which would trip later tests' fetches.
    const huge = await world.orchestrator.app.request(chatwootRequest(url(world.acme.accountId), null, { secret: world.acme.secret, rawBody: JSON.stringify({ event: 'message_created', padding: 'x'.repeat(300 * 1024) }) }));
    expect(huge.status).toBe(413);
    const ignored = await post(chatwootRequest(url(world.acme.accountId), { event: 'contact_created', id: 21, account: { id: world.acme.accountId } }, { secret: world.acme.secret }));
    expect((await ignored.json()) as object).toMatchObject({ ignored: true, receiptId: null });
  });

  it('accepts the contract signature vector (then finds its minimal body is not a full message payload)', async () => {
    const vector = JSON.parse(readFileSync(join(contractsDir(), 'webhook-examples-derived', 'signature-test-vector.json'), 'utf8')) as { secret: string; headers: Record<string, string>; raw_body: string };
    await saveChatwootConnection(world.orchestrator.db.store, '/teams/vector', { accountId: 4_242_424, webhookSecret: vector.secret });
    const at = Number(vector.headers['X-Chatwoot-Timestamp']);
    // The vector's timestamp is fixed in 2026: the route's clock is the only thing moved.
    const request = chatwootRequest(url(4_242_424), null, { secret: vector.secret, rawBody: vector.raw_body, timestamp: at, signature: vector.headers['X-Chatwoot-Signature']! });
    const { chatwootWebhookRoute } = await import('./webhook-route.ts');
    const { chatwootServices } = await import('./chatwoot-services.ts');
    const { errorResponse, toAppError } = await import('../http/error-response.ts');
    const app = new Hono();
    app.onError((error, c) => errorResponse(c, toAppError(error)));
    app.route('/', chatwootWebhookRoute(world.orchestrator.deps, { ...chatwootServices(world.orchestrator.deps), now: () => at * 1000 }));
    const response = await app.request(`/?account_id=4242424`, { method: 'POST', headers: request.headers, body: vector.raw_body });
    // Past the signature, the payload check speaks: the vector's body is a minimal stand-in.
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid message_created payload');
    const late = await app.request(`/?account_id=4242424`, { method: 'POST', headers: request.headers, body: `${vector.raw_body} ` });
    expect(late.status).toBe(401);
  });

  it('records 100 concurrent copies of one delivery once, with one effect', async () => {
    const id = ++conversation;
    const deliveryId = randomUUID();
    const payload = examplePayload('conversation_updated.custom_attributes', world.acme.accountId, id, (p) => {
      p['labels'] = ['escalate'];
      p['changed_attributes'] = [{ label_list: { previous_value: [], current_value: ['escalate'] } }];
    });
    const request = chatwootRequest(url(world.acme.accountId), payload, { secret: world.acme.secret, deliveryId });
    const answers = await Promise.all(Array.from({ length: 100 }, () => post(request.clone()).then(async (r) => ({ status: r.status, body: (await r.json()) as { duplicate: boolean } }))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    await world.settle();
    expect((await receipts()).filter((r) => r.delivery_id === deliveryId)).toHaveLength(1);
    const approvals = await world.orchestrator.db.store.tenant(world.acme.tenantId, (tx) => tx.selectFrom('approvals').select('id').where('title', 'like', `%#${id} %`).execute());
    expect(approvals).toHaveLength(1);
  });
});
