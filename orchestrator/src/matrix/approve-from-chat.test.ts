import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdueApprovals } from '../approvals/approval-service.ts';
import { inSystem } from '../db/tenant-work.ts';
import { ACME, PERSONAS, type Persona } from '../testing/test-issuer.ts';
import type { ClientEvent } from './testing/homeserver-double.ts';
import { HS_TOKEN, SERVER_NAME, startMatrixKit, type MatrixKit } from './testing/matrix-test-kit.ts';

const { alice, mark, carol, adam, gus } = PERSONAS;
const mxid = (p: Persona) => `@${p.username}:${SERVER_NAME}`;
let kit: MatrixKit;
let roomId: string;

beforeAll(async () => {
  kit = await startMatrixKit({ env: { JITSI_URL: 'https://meet.wrrk.test', JITSI_APP_ID: 'wrrk', JITSI_APP_SECRET: 'jitsi-secret-for-tests-0123456789' } });
  // Provision acme (accounts + room + invitations), then the staff accept their invitations.
  const sync = await kit.t.call(adam, 'POST', `/api/sync/matrix?tenantId=${encodeURIComponent(ACME)}`);
  expect(sync.status).toBe(202);
  await kit.settle();
  roomId = kit.hs.aliases.get(`#wrrk_org_acme-corp:${SERVER_NAME}`)!;
  for (const person of [alice, mark, carol, adam]) kit.hs.join(mxid(person), roomId);
  await kit.settle();
});
afterAll(() => kit.close());

const q = (tenant = ACME) => `tenantId=${encodeURIComponent(tenant)}`;

async function escalate(title = 'Refund over limit') {
  const res = await kit.t.call(alice, 'POST', `/api/approvals?${q()}`, { title, description: 'Customer asks for 2,000 EUR back', priority: 'high' });
  expect(res.status).toBe(201);
  const approval = (await res.json()) as { id: string };
  await kit.settle();
  const notice = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { approvalId?: string } | undefined)?.approvalId === approval.id);
  expect(notice).toBeDefined();
  return { approval, notice: notice! };
}

async function approval(id: string) {
  return (await (await kit.t.call(carol, 'GET', `/api/approvals/${id}?${q()}`)).json()) as Record<string, unknown>;
}

const botMessagesAfter = (event: ClientEvent) => kit.hs.messages(roomId).filter((e) => e.sender === kit.hs.botUserId && e.origin_server_ts >= event.origin_server_ts && e.event_id !== event.event_id);
const lastBotReply = (to: ClientEvent) => kit.hs.messages(roomId).filter((e) => e.sender === kit.hs.botUserId && (e.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id: string } } | undefined)?.['m.in_reply_to']?.event_id === to.event_id).at(-1);

describe('escalation notices in the tenant room', () => {
  it('posts an m.notice with the approval, its link and how to decide', async () => {
    const { approval: created, notice } = await escalate('Notice shape');
    expect(notice.sender).toBe(kit.hs.botUserId);
    expect(notice.type).toBe('m.room.message');
    expect(notice.content).toMatchObject({ msgtype: 'm.notice', format: 'org.matrix.custom.html' });
    expect(notice.content['body']).toContain('Notice shape');
    expect(notice.content['body']).toContain(`https://shell.wrrk.test/app/approvals/${created.id}`);
    expect(notice.content['body']).toMatch(/!approve/);
    expect(notice.content['org.wrrk.notice']).toMatchObject({ kind: 'approval.created', tenantId: ACME, approvalId: created.id });
  });

  it('announces an overdue escalation in the notice\'s thread', async () => {
    const { approval: created, notice } = await escalate('Overdue one');
    const future = new Date(Date.now() + 5 * 60 * 60_000);
    await escalateOverdueApprovals({ system: (fn) => inSystem(kit.t.deps, fn) }, kit.t.deps.planners, future);
    await kit.settle();
    const overdue = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { kind?: string; approvalId?: string } | undefined)?.kind === 'approval.escalated' && (e.content['org.wrrk.notice'] as { approvalId: string }).approvalId === created.id);
    expect(overdue?.content['body']).toMatch(/Overdue: Overdue one is now urgent/);
    expect(overdue?.content['m.relates_to']).toMatchObject({ rel_type: 'm.thread', event_id: notice.event_id });
  });

  it('announces a consultation with its join link, in the escalation\'s thread', async () => {
    const { approval: created, notice } = await escalate('Needs a call');
    const res = await kit.t.call(carol, 'POST', `/api/consultations?${q()}`, { title: 'Call about the refund', approvalId: created.id });
    expect(res.status).toBe(201);
    const consultation = (await res.json()) as { id: string; roomName: string };
    await kit.settle();
    const opened = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { consultationId?: string } | undefined)?.consultationId === consultation.id);
    expect(opened?.content['body']).toContain(`Join: https://shell.wrrk.test/app/consultations/${consultation.id}`);
    expect(opened?.content['body']).not.toContain(consultation.roomName); // the room name stays out of chat
    expect(opened?.content['m.relates_to']).toMatchObject({ rel_type: 'm.thread', event_id: notice.event_id });
  });

  it('posts nothing for personal tenants, which have no room', async () => {
    const before = kit.hs.messages(roomId).length;
    const res = await kit.t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(alice.sub)}`, { title: 'Personal', priority: 'low' });
    expect(res.status).toBe(201);
    await kit.settle();
    expect(kit.hs.messages(roomId).length).toBe(before);
    const queued = await kit.t.db.store.system((tx) => tx.selectFrom('outbox').select('id').where('tenant_id', '=', alice.sub).execute());
    expect(queued).toHaveLength(0);
  });
});

describe('approve from chat', () => {
  it('lets the CEO approve by replying !approve with a comment; the outcome is answered in the thread', async () => {
    const { approval: created, notice } = await escalate('Approve by reply');
    const command = kit.hs.reply(mxid(carol), roomId, notice, '!approve Go ahead, but log it');
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'approved', decidedBy: carol.sub, decidedByName: carol.name, decisionComment: 'Go ahead, but log it' });
    const decided = botMessagesAfter(command).find((e) => (e.content['org.wrrk.notice'] as { kind?: string } | undefined)?.kind === 'approval.decided');
    expect(decided?.content['body']).toMatch(/Approved by Carol CEO/);
    expect(decided?.content['m.relates_to']).toMatchObject({ rel_type: 'm.thread', event_id: notice.event_id });
    // The same audit trail as a decision in the shell, marked with the Matrix event.
    const history = await kit.t.call(carol, 'GET', `/api/audit/resource/approval/${created.id}?${q()}`);
    const { items } = (await history.json()) as { items: Array<{ action: string; actorId: string; requestId: string }> };
    expect(items.map((e) => e.action)).toEqual(['approval.created', 'approval.approved']);
    expect(items[1]).toMatchObject({ actorId: carol.sub, requestId: `matrix:${command.event_id}` });
  });

  it('accepts a command written inside the notice\'s thread and a ✅ reaction', async () => {
    const first = await escalate('Reject in thread');
    kit.hs.threadMessage(mxid(carol), roomId, first.notice.event_id, first.notice.event_id, '!reject Too expensive');
    const second = await escalate('Approve by reaction');
    kit.hs.react(mxid(adam), roomId, second.notice.event_id, '✅');
    await kit.settle();
    expect(await approval(first.approval.id)).toMatchObject({ status: 'rejected', decisionComment: 'Too expensive', decidedBy: carol.sub });
    expect(await approval(second.approval.id)).toMatchObject({ status: 'approved', decidedBy: adam.sub, decisionComment: null });
  });

  it('refuses a manager, in the thread, and changes nothing', async () => {
    const { approval: created, notice } = await escalate('Manager tries');
    const command = kit.hs.reply(mxid(mark), roomId, notice, '!approve');
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'pending', decidedBy: null });
    const answer = lastBotReply(command);
    expect(answer?.content['body']).toMatch(/not done: deciding approvals needs the ceo or admin role/);
    expect(answer?.content['m.relates_to']).toMatchObject({ rel_type: 'm.thread', event_id: notice.event_id });
    expect(answer?.content['m.mentions']).toEqual({ user_ids: [mxid(mark)] });
  });

  it('refuses the CEO of another tenant even if they got into the room', async () => {
    const { approval: created, notice } = await escalate('Other CEO tries');
    const intruder = kit.hs.injectEvent(roomId, mxid(gus), 'm.room.message', { msgtype: 'm.text', body: '!approve', 'm.relates_to': { 'm.in_reply_to': { event_id: notice.event_id } } });
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'pending' });
    expect(lastBotReply(intruder)?.content['body']).toMatch(/gus\.ceo:wrrk\.test is not a member of Acme Corp/);
  });

  it('refuses accounts of other homeservers, whatever their name', async () => {
    const { approval: created, notice } = await escalate('Remote account tries');
    const remote = kit.hs.injectEvent(roomId, '@carol.ceo:evil.example', 'm.room.message', { msgtype: 'm.text', body: '!approve', 'm.relates_to': { 'm.in_reply_to': { event_id: notice.event_id } } });
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'pending' });
    expect(lastBotReply(remote)?.content['body']).toMatch(/only accounts on wrrk\.test can decide/);
  });

  it('accepts an account Synapse made at SSO sign-in only when it carries that person\'s Keycloak link', async () => {
    const cid = { sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa7', username: 'cid.ceo', name: 'Cid CEO', email: 'cid@acme.test', roles: ['ceo'], groups: [ACME] };
    kit.setPerson(cid, {}); // a new CEO in Keycloak; no Matrix sync has run since
    const account = kit.hs.registerUser(`@cid.ceo:${SERVER_NAME}`, { displayname: 'Cid (hand-made)' });
    const { approval: created, notice } = await escalate('New CEO decides');
    const relates = { 'm.in_reply_to': { event_id: notice.event_id } };
    const impostor = kit.hs.injectEvent(roomId, account.name, 'm.room.message', { msgtype: 'm.text', body: '!approve', 'm.relates_to': relates });
    await kit.settle();
    expect(lastBotReply(impostor)?.content['body']).toMatch(/not done: @cid\.ceo:wrrk\.test is not linked to cid\.ceo in Keycloak/);
    expect(await approval(created.id)).toMatchObject({ status: 'pending' });

    account.external_ids = [{ auth_provider: 'oidc-keycloak', external_id: cid.sub }]; // what Synapse records at SSO sign-in
    kit.hs.injectEvent(roomId, account.name, 'm.room.message', { msgtype: 'm.text', body: '!approve welcome aboard', 'm.relates_to': relates });
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'approved', decidedBy: cid.sub, decidedByName: 'Cid CEO' });
  });

  it('applies the same rules as the shell: a rejection needs a reason, the requester cannot decide', async () => {
    const { approval: created, notice } = await escalate('Rules apply');
    const noReason = kit.hs.reply(mxid(carol), roomId, notice, '!reject');
    const cross = kit.hs.react(mxid(carol), roomId, notice.event_id, '❌');
    await kit.settle();
    expect(lastBotReply(noReason)?.content['body']).toMatch(/a rejection needs a reason: !reject <reason>/);
    expect(lastBotReply(cross)?.content['body']).toMatch(/reply to the notice with !reject <reason>/);
    expect(await approval(created.id)).toMatchObject({ status: 'pending' });

    // The CEO escalates herself: four eyes.
    const own = await kit.t.call(carol, 'POST', `/api/approvals?${q()}`, { title: 'My own', description: '', priority: 'low' });
    const ownId = ((await own.json()) as { id: string }).id;
    await kit.settle();
    const ownNotice = kit.hs.messages(roomId).find((e) => (e.content['org.wrrk.notice'] as { approvalId?: string } | undefined)?.approvalId === ownId)!;
    const self = kit.hs.reply(mxid(carol), roomId, ownNotice, '!approve');
    await kit.settle();
    expect(lastBotReply(self)?.content['body']).toMatch(/four-eyes rule/);
  });

  it('decides once when two deciders answer at the same moment; the other hears who was first', async () => {
    const { approval: created, notice } = await escalate('Race');
    const one = kit.hs.reply(mxid(carol), roomId, notice, '!approve yes');
    const two = kit.hs.reply(mxid(adam), roomId, notice, '!reject no way');
    await kit.outbox.drain();
    await kit.hs.flushPushes();
    // Both receipts processed concurrently (on PostgreSQL truly in parallel, racing for the row lock).
    await Promise.all([kit.inbox.processOne(), kit.inbox.processOne()]);
    await kit.settle();
    const final = await approval(created.id);
    expect(['approved', 'rejected']).toContain(final['status']);
    const history = (await (await kit.t.call(carol, 'GET', `/api/audit/resource/approval/${created.id}?${q()}`)).json()) as { items: Array<{ action: string }> };
    expect(history.items.map((e) => e.action)).toHaveLength(2); // created + exactly one decision
    const loser = final['status'] === 'approved' ? two : one;
    expect(lastBotReply(loser)?.content['body']).toMatch(new RegExp(`not done: already ${final['status']} by ${final['decidedByName']}`));
  });

  it('treats a replayed transaction as the same one: 200, nothing recorded or decided twice', async () => {
    const { approval: created, notice } = await escalate('Replay');
    kit.hs.reply(mxid(carol), roomId, notice, '!approve once');
    await kit.settle();
    const receipts = async () => Number((await kit.t.db.store.system((tx) => tx.selectFrom('webhook_receipts').select((eb) => eb.fn.countAll().as('n')).where('source', '=', 'matrix').executeTakeFirstOrThrow())).n);
    const before = await receipts();
    expect(await kit.hs.replayLastTransaction()).toBe(true);
    await kit.settle();
    expect(await receipts()).toBe(before);
    const history = (await (await kit.t.call(carol, 'GET', `/api/audit/resource/approval/${created.id}?${q()}`)).json()) as { items: Array<{ action: string }> };
    expect(history.items.map((e) => e.action)).toEqual(['approval.created', 'approval.approved']);
  });

  it('answers a command that is not a reply to a notice with how to use it, and ignores ordinary chat', async () => {
    const command = kit.hs.message(mxid(carol), roomId, '!approve');
    kit.hs.message(mxid(alice), roomId, 'morning all, coffee is ready ✅');
    await kit.settle();
    expect(lastBotReply(command)?.content['body']).toMatch(/not an escalation notice\. Reply to an escalation notice with !approve/);
    const stored = await kit.t.db.store.system((tx) => tx.selectFrom('webhook_receipts').select('payload').where('source', '=', 'matrix').execute());
    expect(stored.map((r) => JSON.stringify(r.payload))).not.toContainEqual(expect.stringContaining('coffee'));
  });
});

describe('POST /api/webhooks/matrix', () => {
  it('takes the same events, deduplicated with the application-service path', async () => {
    const { approval: created, notice } = await escalate('Via webhook');
    const event = {
      event_id: `$webhook-${created.id}`,
      type: 'm.room.message',
      sender: mxid(carol),
      room_id: roomId,
      origin_server_ts: Date.now(),
      content: { msgtype: 'm.text', body: '!approve from the webhook', 'm.relates_to': { 'm.in_reply_to': { event_id: notice.event_id } } },
    };
    const post = (body: unknown, token = HS_TOKEN) => kit.t.app.request('/api/webhooks/matrix', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ events: [event] }, 'not-the-token')).status).toBe(403);
    const first = await post({ events: [event] });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0 });
    expect(await (await post(event)).json()).toEqual({ received: 1, recorded: 0, duplicates: 1, ignored: 0 }); // a single event is fine too
    // The homeserver pushing the very same event later changes nothing either.
    const replay = await kit.t.app.request('/_matrix/app/v1/transactions/webhook-1', { method: 'PUT', headers: { authorization: `Bearer ${HS_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [event] }) });
    expect(replay.status).toBe(200);
    await kit.settle();
    expect(await approval(created.id)).toMatchObject({ status: 'approved', decisionComment: 'from the webhook' });
  });
});
