import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantEvent } from '../events/event-bus.ts';
import { ROOM_NAME_PATTERN } from '../jitsi/room-names.ts';
import { verifyJitsiToken } from '../jitsi/testing/jitsi-token-verifier.ts';
import { ACME, GLOBEX, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

const { alice, mark, carol, adam, olga, gus } = PERSONAS;
const bob = { ...alice, sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa9', username: 'bob.agent', name: 'Bob Agent', email: 'bob@acme.test' };
const JITSI = { JITSI_URL: 'https://meet.wrrk.test', JITSI_APP_ID: 'wrrk', JITSI_APP_SECRET: 'jitsi-app-secret-0123456789abcdef', JITSI_TOKEN_TTL_SECONDS: '600', SHELL_URL: 'https://shell.wrrk.test' };
const rules = { appId: 'wrrk', appSecret: JITSI.JITSI_APP_SECRET, acceptedIssuers: ['wrrk'], acceptedAudiences: ['wrrk'] };
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator({ env: JITSI });
});
afterAll(() => t.shutdown());

const q = (tenant = ACME) => `tenantId=${encodeURIComponent(tenant)}`;
type Consultation = Record<string, unknown> & { id: string; roomName: string; status: string };

async function open(persona = alice, body: Record<string, unknown> = { title: 'Refund call' }, tenant = ACME) {
  const res = await t.call(persona, 'POST', `/api/consultations?${q(tenant)}`, body);
  expect(res.status).toBe(201);
  return (await res.json()) as Consultation;
}

describe('consultations', () => {
  it('opens one with a random room name, the caller as host, audited and published live', async () => {
    const seen: TenantEvent[] = [];
    const unsubscribe = t.deps.events.subscribe(ACME, (e) => seen.push(e));
    const created = await open(alice, { title: 'Refund call', scheduledAt: '2030-01-02T10:00:00Z' });
    unsubscribe();
    expect(created).toMatchObject({ tenantId: ACME, status: 'scheduled', hostId: alice.sub, hostName: alice.name, participants: [], approvalId: null, scheduledAt: '2030-01-02T10:00:00.000Z', startedAt: null, endedAt: null });
    expect(created.roomName).toMatch(ROOM_NAME_PATTERN);
    expect(created.roomName).not.toContain(created.id.slice(0, 8));
    expect((await open()).roomName).not.toBe(created.roomName);
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['consultation.updated', 'audit.appended']));
    const history = (await (await t.call(alice, 'GET', `/api/audit/resource/consultation/${created.id}?${q()}`)).json()) as { items: Array<{ action: string; actorId: string }> };
    expect(history.items).toMatchObject([{ action: 'consultation.created', actorId: alice.sub }]);
  });

  it('links an approval of the same tenant only, and refuses bad input with the field named', async () => {
    const approval = (await (await t.call(alice, 'POST', `/api/approvals?${q()}`, { title: 'Needs a call', priority: 'low' })).json()) as { id: string };
    expect(await open(carol, { title: 'About the refund', approvalId: approval.id })).toMatchObject({ approvalId: approval.id });
    const foreign = (await (await t.call(olga, 'POST', `/api/approvals?${q(GLOBEX)}`, { title: 'Globex thing', priority: 'low' })).json()) as { id: string };
    const cross = await t.call(carol, 'POST', `/api/consultations?${q()}`, { title: 'x', approvalId: foreign.id });
    expect(cross.status).toBe(404);
    const bad = await t.call(carol, 'POST', `/api/consultations?${q()}`, { title: '', scheduledAt: 'tomorrow', roomName: 'mine' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { details: Array<{ path: string }> };
    expect(body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['title', 'scheduledAt']));
    const list = (await (await t.call(carol, 'GET', `/api/consultations?${q()}&approvalId=${approval.id}`)).json()) as { items: Consultation[] };
    expect(list.items).toHaveLength(1);
  });

  it('moves scheduled -> active -> ended by hand, for the host or a manager, never backwards', async () => {
    const c = await open(alice);
    const path = (action: string) => `/api/consultations/${c.id}/${action}?${q()}`;
    expect((await t.call(bob, 'POST', path('start'))).status).toBe(403); // another agent: not the host
    const started = await t.call(alice, 'POST', path('start'));
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ status: 'active', startedAt: expect.any(String) });
    expect((await t.call(alice, 'POST', path('start'))).status).toBe(409);
    const ended = await t.call(mark, 'POST', path('end'), {});
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
    const again = await t.call(alice, 'POST', path('end'));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'conflict', error: 'consultation has already ended' });
    expect((await t.call(alice, 'POST', path('start'))).status).toBe(409);
    const history = (await (await t.call(alice, 'GET', `/api/audit/resource/consultation/${c.id}?${q()}`)).json()) as { items: Array<{ action: string; actorId: string }> };
    expect(history.items.map((e) => [e.action, e.actorId])).toEqual([['consultation.created', alice.sub], ['consultation.started', alice.sub], ['consultation.ended', mark.sub]]);
  });

  it('lists newest first with a cursor and a status filter', async () => {
    const a = await open(adam, { title: 'page-a' });
    const b = await open(adam, { title: 'page-b' });
    const first = (await (await t.call(adam, 'GET', `/api/consultations?${q()}&limit=1&status=scheduled`)).json()) as { items: Consultation[]; nextCursor: string };
    expect(first.items.map((c) => c.id)).toEqual([b.id]);
    const second = (await (await t.call(adam, 'GET', `/api/consultations?${q()}&limit=1&status=scheduled&cursor=${first.nextCursor}`)).json()) as { items: Consultation[] };
    expect(second.items.map((c) => c.id)).toEqual([a.id]);
    expect((await t.call(adam, 'GET', `/api/consultations?${q()}&cursor=garbage`)).status).toBe(400);
    expect((await t.call(adam, 'GET', `/api/consultations?${q()}&status=open`)).status).toBe(400);
  });
});

describe('meeting tokens', () => {
  it('gives each member a short-lived token prosody accepts; only the host is moderator', async () => {
    const c = await open(carol, { title: 'Token check' });
    const before = Math.floor(Date.now() / 1000);
    const hostRes = await t.call(carol, 'POST', `/api/consultations/${c.id}/token?${q()}`, {});
    expect(hostRes.status).toBe(200);
    const host = (await hostRes.json()) as { jwt: string; roomName: string; domain: string; url: string; expiresAt: string };
    expect(host).toMatchObject({ roomName: c.roomName, domain: 'meet.wrrk.test', url: `https://meet.wrrk.test/${c.roomName}?jwt=${host.jwt}` });
    expect(Date.parse(host.expiresAt) / 1000 - before).toBeGreaterThanOrEqual(599);
    expect(Date.parse(host.expiresAt) / 1000 - before).toBeLessThanOrEqual(602);

    const verdict = verifyJitsiToken(host.jwt, c.roomName, rules);
    expect(verdict).toMatchObject({ ok: true, session: { affiliation: 'owner', room: c.roomName, contextUser: { id: carol.sub, name: carol.name, email: carol.email, moderator: 'true' } } });

    const guest = (await (await t.call(alice, 'POST', `/api/consultations/${c.id}/token?${q()}`)).json()) as { jwt: string; expiresAt: string };
    const guestVerdict = verifyJitsiToken(guest.jwt, c.roomName, rules);
    expect(guestVerdict).toMatchObject({ ok: true, session: { affiliation: 'member', contextUser: { id: alice.sub } } });
    if (guestVerdict.ok) expect(guestVerdict.session.contextUser).not.toHaveProperty('moderator');

    // The token opens this room only, and not after it expires.
    expect(verifyJitsiToken(guest.jwt, 'wrrk-some-other-room', rules)).toMatchObject({ ok: false });
    // (its own expiry: it may be minted a second after the host's)
    expect(verifyJitsiToken(guest.jwt, c.roomName, { ...rules, now: Date.parse(guest.expiresAt) / 1000 })).toEqual({ ok: false, reason: 'Not acceptable by exp' });
  });

  it('issues none once the consultation has ended', async () => {
    const c = await open(carol, { title: 'Over' });
    await t.call(carol, 'POST', `/api/consultations/${c.id}/end?${q()}`);
    const res = await t.call(alice, 'POST', `/api/consultations/${c.id}/token?${q()}`);
    expect(res.status).toBe(409);
  });

  it('says which variable to set while Jitsi is not configured', async () => {
    const bare = await startTestOrchestrator({ db: t.db, issuer: t.issuer });
    const existing = await open(alice, { title: 'Made while connected' });
    for (const [path, body] of [[`/api/consultations?${q()}`, { title: 'x' }], [`/api/consultations/${existing.id}/token?${q()}`, {}]] as const) {
      const res = await bare.call(alice, 'POST', path, body);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: expect.stringContaining('JITSI_URL'), details: { missing: expect.arrayContaining(['JITSI_URL']) } });
    }
    // History stays readable.
    expect((await bare.call(alice, 'GET', `/api/consultations/${existing.id}?${q()}`)).status).toBe(200);
    await bare.shutdown();
  });
});

describe('tenant isolation of every consultations endpoint', () => {
  it('never shows or changes another tenant\'s consultation', async () => {
    const theirs = await open(olga, { title: 'Globex only' }, GLOBEX);
    const endpoints: Array<[string, string]> = [
      ['GET', `/api/consultations/${theirs.id}`],
      ['POST', `/api/consultations/${theirs.id}/start`],
      ['POST', `/api/consultations/${theirs.id}/end`],
      ['POST', `/api/consultations/${theirs.id}/token`],
    ];
    for (const [method, path] of endpoints) {
      // Naming the other tenant: not a member.
      expect((await t.call(carol, method, `${path}?${q(GLOBEX)}`)).status, `${method} ${path} as other tenant`).toBe(403);
      // Naming their own tenant: the row does not exist for them.
      expect((await t.call(carol, method, `${path}?${q(ACME)}`)).status, `${method} ${path} in own tenant`).toBe(404);
    }
    expect((await t.call(carol, 'POST', `/api/consultations?${q(GLOBEX)}`, { title: 'sneaky' })).status).toBe(403);
    expect((await t.call(carol, 'GET', `/api/consultations?${q(GLOBEX)}`)).status).toBe(403);
    const ours = (await (await t.call(carol, 'GET', `/api/consultations?${q(ACME)}&limit=100`)).json()) as { items: Consultation[] };
    expect(ours.items.some((c) => c.id === theirs.id)).toBe(false);
    expect(ours.items.every((c) => c.tenantId === ACME)).toBe(true);
    // Untouched.
    expect(await (await t.call(gus, 'GET', `/api/consultations/${theirs.id}?${q(GLOBEX)}`)).json()).toMatchObject({ status: 'scheduled' });
  });
});
