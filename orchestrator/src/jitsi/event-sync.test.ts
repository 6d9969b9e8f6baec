import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEvent } from '../events/event-bus.ts';
import { ACME, GLOBEX, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import { createEventSync } from './testing/event-sync-double.ts';

const { alice, carol, olga, gus } = PERSONAS;
const TOKEN = 'event-sync-token-for-tests-abcdef';
let t: TestOrchestrator;
let prosody: ReturnType<typeof createEventSync>;

beforeAll(async () => {
  t = await startTestOrchestrator({ env: { JITSI_URL: 'https://meet.wrrk.test', JITSI_APP_ID: 'wrrk', JITSI_APP_SECRET: 'secret-secret-secret-secret', JITSI_EVENT_SYNC_TOKEN: TOKEN } });
  prosody = createEventSync({ apiPrefix: 'http://orchestrator/api/webhooks/jitsi', token: TOKEN, fetch: (url, init) => t.app.request(url, init) });
});
afterAll(() => t.shutdown());

const q = (tenant = ACME) => `tenantId=${encodeURIComponent(tenant)}`;
type Consultation = { id: string; roomName: string; status: string; startedAt: string | null; endedAt: string | null; participants: Array<{ userId: string; name: string; joinedAt: string; leftAt: string | null }> };

async function consultation(host = carol, tenant = ACME): Promise<Consultation> {
  const res = await t.call(host, 'POST', `/api/consultations?${q(tenant)}`, { title: 'Call about the refund' });
  expect(res.status).toBe(201);
  return (await res.json()) as Consultation;
}
const read = async (id: string, persona = carol, tenant = ACME) => (await (await t.call(persona, 'GET', `/api/consultations/${id}?${q(tenant)}`)).json()) as Consultation;
const actions = async (id: string, persona = carol, tenant = ACME) =>
  ((await (await t.call(persona, 'GET', `/api/audit/resource/consultation/${id}?${q(tenant)}`)).json()) as { items: Array<{ action: string; actorId: string }> }).items;
const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 9, minute));
const iso = (minute: number) => at(minute).toISOString();
const user = (p: typeof carol) => ({ id: p.sub, name: p.name, email: p.email });

describe('event_sync webhook: who may call it', () => {
  it('refuses calls without the configured bearer token and stores nothing', async () => {
    const c = await consultation();
    const anonymous = createEventSync({ apiPrefix: 'http://orchestrator/api/webhooks/jitsi', token: null, fetch: (url, init) => t.app.request(url, init) });
    const forged = createEventSync({ apiPrefix: 'http://orchestrator/api/webhooks/jitsi', token: 'guessed', fetch: (url, init) => t.app.request(url, init) });
    expect((await anonymous.roomCreated(c.roomName, at(0))).status).toBe(401);
    const res = await forged.roomCreated(c.roomName, at(0));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('JITSI_EVENT_SYNC_TOKEN'), requestId: expect.any(String) });
    await t.deps.inbox.drain();
    expect(await read(c.id)).toMatchObject({ status: 'scheduled' });
  });

  it('answers 503 naming JITSI_EVENT_SYNC_TOKEN when it is not configured (never accepts unauthenticated)', async () => {
    const bare = await startTestOrchestrator({ db: t.db, issuer: t.issuer });
    const res = await createEventSync({ apiPrefix: 'http://o/api/webhooks/jitsi', token: 'anything', fetch: (url, init) => bare.app.request(url, init), retryCount: 0 }).roomCreated('wrrk-x', at(0));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('JITSI_EVENT_SYNC_TOKEN') });
    await bare.shutdown();
  });

  it('refuses malformed events with the failing fields named', async () => {
    const c = await consultation();
    const wrongPath = await prosody.raw('room/created', { event_name: 'muc-room-destroyed', room_name: c.roomName, room_jid: `${c.roomName}@muc.meet.jitsi`, destroyed_at: 1 });
    expect(wrongPath.status).toBe(400);
    const noTime = await prosody.raw('occupant/joined', { event_name: 'muc-occupant-joined', room_name: c.roomName, room_jid: `${c.roomName}@muc.meet.jitsi`, occupant: { joined_at: 'soon' } });
    expect(noTime.status).toBe(400);
    expect(((await noTime.json()) as { details: Array<{ path: string }> }).details.map((d) => d.path)).toEqual(expect.arrayContaining(['occupant.occupant_jid', 'occupant.joined_at']));
    expect((await prosody.raw('room/joined', { event_name: 'x' })).status).toBe(404); // event_sync has no such call
    const notJson = await t.app.request('/api/webhooks/jitsi/events/room/created', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{oops' });
    expect(notJson.status).toBe(400);
  });

  it('acknowledges, without keeping, events of rooms that are not consultations and of breakout rooms', async () => {
    const c = await consultation();
    expect(await (await prosody.roomCreated('someone-elses-room', at(0))).json()).toMatchObject({ received: true, ignored: 'not a wrrk consultation room', receiptId: null });
    expect(await (await prosody.roomCreated(c.roomName, at(0), { is_breakout: true, breakout_room_id: 'b1' })).json()).toMatchObject({ ignored: 'breakout room' });
    await t.deps.inbox.drain();
    expect(await read(c.id)).toMatchObject({ status: 'scheduled' });
  });
});

describe('consultation life cycle from Jitsi', () => {
  it('goes scheduled -> active -> ended and records who attended, audited and published live', async () => {
    const c = await consultation();
    const seen: TenantEvent[] = [];
    const unsubscribe = t.deps.events.subscribe(ACME, (e) => seen.push(e));
    const host = prosody.occupant(c.roomName, 'a1b2', user(carol), at(1), at(30));
    const agent = prosody.occupant(c.roomName, 'c3d4', user(alice), at(2), at(20));
    expect((await prosody.roomCreated(c.roomName, at(1))).status).toBe(200);
    await prosody.occupantJoined(c.roomName, host);
    await prosody.occupantJoined(c.roomName, agent, 2);
    await t.deps.inbox.drain();
    expect(await read(c.id)).toMatchObject({
      status: 'active',
      startedAt: iso(1),
      participants: [
        { userId: carol.sub, name: carol.name, joinedAt: iso(1), leftAt: null },
        { userId: alice.sub, name: alice.name, joinedAt: iso(2), leftAt: null },
      ],
    });
    await prosody.occupantLeft(c.roomName, agent, 1);
    await prosody.occupantLeft(c.roomName, host, 0);
    await prosody.roomDestroyed(c.roomName, at(1), at(31), [host, agent]);
    await t.deps.inbox.drain();
    unsubscribe();
    expect(await read(c.id)).toMatchObject({
      status: 'ended',
      startedAt: iso(1),
      endedAt: iso(31),
      participants: [
        { userId: carol.sub, joinedAt: iso(1), leftAt: iso(30) },
        { userId: alice.sub, joinedAt: iso(2), leftAt: iso(20) },
      ],
    });
    expect((await actions(c.id)).map((e) => e.action)).toEqual([
      'consultation.created',
      'consultation.started',
      'consultation.participant_joined',
      'consultation.participant_joined',
      'consultation.participant_left',
      'consultation.participant_left',
      'consultation.ended',
    ]);
    expect((await actions(c.id)).find((e) => e.action === 'consultation.participant_left')?.actorId).toBe(alice.sub);
    expect(seen.filter((e) => e.type === 'consultation.updated').length).toBeGreaterThanOrEqual(6);
  });

  it('is idempotent: event_sync retrying an event changes nothing the second time', async () => {
    const c = await consultation();
    const host = prosody.occupant(c.roomName, 'n1', user(carol), at(5));
    const first = (await (await prosody.occupantJoined(c.roomName, host)).json()) as { duplicate: boolean; receiptId: string };
    const second = (await (await prosody.occupantJoined(c.roomName, host)).json()) as { duplicate: boolean; receiptId: string | null };
    expect(first).toMatchObject({ duplicate: false, receiptId: expect.any(String) });
    expect(second).toMatchObject({ duplicate: true, receiptId: null });
    await t.deps.inbox.drain();
    expect((await actions(c.id)).map((e) => e.action)).toEqual(['consultation.created', 'consultation.started']);
  });

  it('tolerates events out of order: a late join after the room was destroyed, a leave before its join', async () => {
    const c = await consultation();
    const host = prosody.occupant(c.roomName, 'h', user(carol), at(10), at(40));
    const agent = prosody.occupant(c.roomName, 'g', user(alice), at(12), at(25));
    // The destruction arrives first, then everything that happened before it.
    await prosody.roomDestroyed(c.roomName, at(10), at(41), [host, agent]);
    await t.deps.inbox.drain();
    const ended = await read(c.id);
    expect(ended).toMatchObject({ status: 'ended', startedAt: iso(10), endedAt: iso(41) });
    await prosody.occupantLeft(c.roomName, agent);
    await prosody.occupantJoined(c.roomName, agent);
    await prosody.occupantJoined(c.roomName, host);
    await prosody.roomCreated(c.roomName, at(10));
    await t.deps.inbox.drain();
    const after = await read(c.id);
    expect(after).toMatchObject({ status: 'ended', startedAt: iso(10), endedAt: iso(41) }); // never reopened
    expect(after.participants).toEqual(ended.participants);
    expect(after.participants).toEqual([
      { userId: carol.sub, name: carol.name, joinedAt: iso(10), leftAt: iso(40) },
      { userId: alice.sub, name: alice.name, joinedAt: iso(12), leftAt: iso(25) },
    ]);
    expect((await actions(c.id)).map((e) => e.action)).toEqual(['consultation.created', 'consultation.ended']);

    // A leave that overtakes its join still counts the person in, from its joined_at.
    const d = await consultation();
    const late = prosody.occupant(d.roomName, 'x', user(alice), at(3), at(9));
    await prosody.occupantLeft(d.roomName, late);
    await t.deps.inbox.drain();
    expect(await read(d.id)).toMatchObject({ status: 'active', startedAt: iso(3), participants: [{ userId: alice.sub, joinedAt: iso(3), leftAt: iso(9) }] });
    await prosody.occupantJoined(d.roomName, late);
    await t.deps.inbox.drain();
    expect(await read(d.id)).toMatchObject({ participants: [{ userId: alice.sub, joinedAt: iso(3), leftAt: iso(9) }] });
  });

  it('merges one person\'s reconnects into one participant, open while any session is', async () => {
    const c = await consultation();
    const first = prosody.occupant(c.roomName, 's1', user(alice), at(1), at(4));
    const second = prosody.occupant(c.roomName, 's2', user(alice), at(5));
    await prosody.occupantJoined(c.roomName, first);
    await prosody.occupantLeft(c.roomName, first);
    await prosody.occupantJoined(c.roomName, second);
    await t.deps.inbox.drain();
    expect((await read(c.id)).participants).toEqual([{ userId: alice.sub, name: alice.name, joinedAt: iso(1), leftAt: null }]);
    // Ended by hand while she is still connected: she counts as having left at the end.
    const ended = (await (await t.call(carol, 'POST', `/api/consultations/${c.id}/end?${q()}`)).json()) as Consultation;
    expect(ended.participants).toEqual([{ userId: alice.sub, name: alice.name, joinedAt: iso(1), leftAt: ended.endedAt }]);
  });
});

describe('tenant isolation of room events', () => {
  it('applies an event to the consultation of its own tenant only', async () => {
    const ours = await consultation(carol, ACME);
    const theirs = await consultation(olga, GLOBEX);
    const res = (await (await prosody.occupantJoined(theirs.roomName, prosody.occupant(theirs.roomName, 'o', user(olga), at(1)))).json()) as { receiptId: string };
    await t.deps.inbox.drain();
    expect(await read(theirs.id, gus, GLOBEX)).toMatchObject({ status: 'active', participants: [{ userId: olga.sub }] });
    expect(await read(ours.id)).toMatchObject({ status: 'scheduled', participants: [] });
    // The receipt belongs to globex: acme's view of the table does not contain it.
    const seenByAcme = await t.db.store.tenant(ACME, (tx) => tx.selectFrom('webhook_receipts').select('id').where('id', '=', res.receiptId).execute());
    const seenByGlobex = await t.db.store.tenant(GLOBEX, (tx) => tx.selectFrom('webhook_receipts').select('id').where('id', '=', res.receiptId).execute());
    expect(seenByAcme).toHaveLength(0);
    expect(seenByGlobex).toHaveLength(1);
  });
});
