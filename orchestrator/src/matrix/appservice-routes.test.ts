import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator } from '../testing/test-orchestrator.ts';
import { HS_TOKEN, SERVER_NAME, startMatrixKit, type MatrixKit } from './testing/matrix-test-kit.ts';

const { alice, carol, adam } = PERSONAS;
let kit: MatrixKit;

// This homeserver behaves like Synapse 1.67: legacy path, token only in ?access_token.
beforeAll(async () => {
  kit = await startMatrixKit({ pushMode: 'legacy' });
});
afterAll(() => kit.close());

const put = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  kit.t.app.request(path, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const receipts = async () => Number((await kit.t.db.store.system((tx) => tx.selectFrom('webhook_receipts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow())).n);
const command = (roomId: string) => ({ event_id: `$${crypto.randomUUID()}`, type: 'm.room.message', sender: `@carol.ceo:${SERVER_NAME}`, room_id: roomId, origin_server_ts: 1, content: { msgtype: 'm.text', body: '!approve' } });

describe('application-service authentication', () => {
  it('refuses a missing or forged homeserver token with the spec\'s error codes, and records nothing', async () => {
    const before = await receipts();
    const body = { events: [command('!any:wrrk.test')] };
    const missing = await put('/_matrix/app/v1/transactions/1', body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ errcode: 'M_UNAUTHORIZED', requestId: expect.any(String), timestamp: expect.any(String) });
    const forged = await put('/_matrix/app/v1/transactions/1', body, { authorization: 'Bearer not-the-hs-token' });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ errcode: 'M_FORBIDDEN', error: 'invalid homeserver token' });
    expect((await put('/transactions/1?access_token=not-the-hs-token', body)).status).toBe(403);
    expect((await put(`/transactions/1?access_token=${HS_TOKEN}x`, body)).status).toBe(403);
    // Both given and different: the spec says they must match.
    expect((await put('/transactions/1?access_token=other', body, { authorization: `Bearer ${HS_TOKEN}` })).status).toBe(403);
    expect((await put('/_matrix/app/v1/transactions/1', body, { authorization: `Basic ${HS_TOKEN}` })).status).toBe(401);
    // The AS token is not the HS token.
    expect((await put('/_matrix/app/v1/transactions/1', body, { authorization: 'Bearer as-token-for-tests-0123456789' })).status).toBe(403);
    expect(await receipts()).toBe(before);
  });

  it('accepts the token in the header, the query, or both when equal, on both paths', async () => {
    expect((await put('/_matrix/app/v1/transactions/a1', { events: [] }, { authorization: `Bearer ${HS_TOKEN}` })).status).toBe(200);
    expect((await put(`/transactions/a2?access_token=${HS_TOKEN}`, { events: [] })).status).toBe(200);
    const both = await put(`/_matrix/app/v1/transactions/a3?access_token=${HS_TOKEN}`, { events: [] }, { authorization: `Bearer ${HS_TOKEN}` });
    expect(both.status).toBe(200);
    expect(await both.json()).toEqual({});
  });
});

describe('application-service endpoints', () => {
  const auth = { authorization: `Bearer ${HS_TOKEN}` };
  it('refuses bodies that are not transactions', async () => {
    const notJson = await put('/_matrix/app/v1/transactions/b1', '{nope', auth);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ errcode: 'M_NOT_JSON' });
    expect(await (await put('/_matrix/app/v1/transactions/b2', { events: 'x' }, auth)).json()).toMatchObject({ errcode: 'M_BAD_JSON' });
  });

  it('ignores events of rooms that belong to no tenant, and malformed events, without failing the transaction', async () => {
    const before = await receipts();
    const res = await put('/_matrix/app/v1/transactions/c1', { events: [command('!unknown:wrrk.test'), { type: 'm.room.message' }, 42] }, auth);
    expect(res.status).toBe(200);
    expect(await receipts()).toBe(before);
  });

  it('answers queries, ping and unknown routes as the spec says', async () => {
    const get = (path: string) => kit.t.app.request(path, { headers: auth });
    expect(await (await get('/_matrix/app/v1/users/%40someone%3Awrrk.test')).json()).toMatchObject({ errcode: 'M_NOT_FOUND' });
    expect((await get('/_matrix/app/v1/rooms/%23wrrk_x%3Awrrk.test')).status).toBe(404);
    expect((await get('/users/%40someone%3Awrrk.test')).status).toBe(404);
    expect((await kit.t.app.request('/_matrix/app/v1/ping', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"transaction_id":"t"}' })).status).toBe(200);
    const unknown = await get('/_matrix/app/v1/thirdparty/protocol/irc');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
    const wrongMethod = await get('/_matrix/app/v1/transactions/x');
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ errcode: 'M_UNRECOGNIZED' });
  });

  it('says what to configure when Matrix is not set up', async () => {
    const bare = await startTestOrchestrator({ db: kit.t.db, issuer: kit.t.issuer });
    const res = await bare.app.request('/_matrix/app/v1/transactions/1', { method: 'PUT', headers: { authorization: `Bearer ${HS_TOKEN}`, 'content-type': 'application/json' }, body: '{"events":[]}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('MATRIX_HOMESERVER_URL') });
    const hook = await bare.app.request('/api/webhooks/matrix', { method: 'POST', headers: { authorization: `Bearer ${HS_TOKEN}`, 'content-type': 'application/json' }, body: '{"events":[]}' });
    expect(hook.status).toBe(503);
    expect(await hook.json()).toMatchObject({ code: 'service_unavailable', error: expect.stringContaining('MATRIX_HS_TOKEN') });
    await bare.shutdown();
  });
});

describe('with a homeserver that pushes the legacy way (Synapse 1.67)', () => {
  it('receives the pushes and approves from chat end to end', async () => {
    expect((await kit.t.call(adam, 'POST', `/api/sync/matrix?tenantId=${encodeURIComponent(ACME)}`)).status).toBe(202);
    await kit.settle();
    const roomId = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
    kit.hs.join(`@${carol.username}:${SERVER_NAME}`, roomId);
    const created = (await (await kit.t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'Legacy push', priority: 'urgent' })).json()) as { id: string };
    await kit.settle();
    const notice = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { approvalId?: string } | undefined)?.approvalId === created.id)!;
    kit.hs.reply(`@${carol.username}:${SERVER_NAME}`, roomId, notice, '!approve ok');
    await kit.settle();
    expect(kit.hs.pushes.length).toBeGreaterThan(0);
    expect(kit.hs.pushes.every((p) => p.url.includes('/transactions/') && !p.url.includes('/_matrix/app/v1/') && p.url.includes('access_token='))).toBe(true);
    expect(kit.hs.pushes.every((p) => p.status === 200)).toBe(true);
    const approval = (await (await kit.t.call(carol, 'GET', `/api/approvals/${created.id}?tenantId=${encodeURIComponent(ACME)}`)).json()) as { status: string };
    expect(approval.status).toBe('approved');
  });
});
