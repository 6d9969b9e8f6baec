import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Approval } from '../approvals/approval-model.ts';
import { ACME, GLOBEX, PERSONAS } from '../testing/test-issuer.ts';
import { chatwootServices } from './chatwoot-services.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import { reconcileTriggers } from './reconcile-triggers.ts';
import { startChatwootWorld, type ChatwootWorld } from './testing/chatwoot-harness.ts';
import { chatwootRequest } from './testing/signed-webhook.ts';

describe('Chatwoot integration end to end (against the contract-validated double)', () => {
  let world: ChatwootWorld;
  beforeAll(async () => {
    world = await startChatwootWorld();
  });
  afterAll(() => world.close());
  afterEach(() => expect(world.chatwoot.violations).toEqual([]));

  const account = () => world.acme.accountId;
  const escalate = async (conversationId: number, tenant = ACME, accountId = account()) => {
    const response = await world.orchestrator.call(PERSONAS.alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(tenant)}`, {
      title: `Refund for conversation ${conversationId}`,
      description: 'Customer asks for 5000 EUR back',
      priority: 'high',
      source: { system: 'chatwoot', accountId, conversationId },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Approval;
  };
  const decide = async (id: string, status: 'approved' | 'rejected', comment: string) => {
    const response = await world.orchestrator.call(PERSONAS.carol, 'PATCH', `/api/approvals/${id}?tenantId=${encodeURIComponent(ACME)}`, { status, comment });
    expect(response.status).toBe(200);
    return (await response.json()) as Approval;
  };
  const approvalsFor = (conversationId: number) =>
    world.orchestrator.db.store.tenant(ACME, (tx) =>
      tx.selectFrom('approvals').selectAll().where(sql<string>`source->>'conversationId'`, '=', String(conversationId)).orderBy('created_at').execute(),
    );
  const outboxRows = () => world.orchestrator.db.store.system((tx) => tx.selectFrom('outbox').select(['id', 'status', 'operation', 'tenant_id', 'attempts', 'next_attempt_at', 'last_error', 'payload']).execute());
  const notes = (conversationId: number) => world.chatwoot.notes(account(), conversationId).map((m) => ({ kind: (m.contentAttributes['wrrk'] as { kind: string }).kind, content: m.content }));

  it('runs the MVP flow: customer message → escalation → note, label, attributes → decision written back', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'I want my 5000 EUR back <now> & fast', contactName: 'Jane Doe' });
    world.chatwoot.agentSetsLabels(account(), conversationId, ['vip']);
    await world.settle();

    const list = await world.orchestrator.call(PERSONAS.alice, 'GET', `/api/chatwoot/conversations?tenantId=${encodeURIComponent(ACME)}`);
    const listed = ((await list.json()) as { items: Array<{ conversationId: number; lastIncomingMessage: string; labels: string[]; url: string }> }).items.find((i) => i.conversationId === conversationId);
    expect(listed).toMatchObject({ lastIncomingMessage: 'I want my 5000 EUR back <now> & fast', labels: ['vip'] });
    expect(listed?.url).toBe(`${world.chatwoot.url}/app/accounts/${account()}/conversations/${conversationId}`);

    const approval = await escalate(conversationId);
    await world.settle();
    let conversation = world.chatwoot.conversation(account(), conversationId);
    expect(notes(conversationId)).toEqual([{ kind: 'created', content: expect.stringContaining('**Escalated to the CEO** by Alice Agent') }]);
    expect(notes(conversationId)[0]!.content).toContain(`https://wrrk.test/app/approvals/${approval.id}`);
    expect(conversation.labels.sort()).toEqual(['ceo-pending', 'vip']);
    expect(conversation.customAttributes).toEqual({ approval_id: approval.id, approval_status: 'pending', approval_url: `https://wrrk.test/app/approvals/${approval.id}` });

    // The echoes of our own writes came back as webhooks and started nothing.
    const echoes = world.chatwoot.sentWebhooks.filter((w) => w.accountId === account() && (w.payload['conversation'] as { id?: number } | undefined)?.id === conversationId && w.event === 'message_created');
    expect(echoes.some((w) => w.payload['private'] === true)).toBe(true);
    expect(await approvalsFor(conversationId)).toHaveLength(1);
    const rowsAfterEscalation = (await outboxRows()).filter((r) => (r.payload as { conversationId?: number }).conversationId === conversationId);
    expect(rowsAfterEscalation.map((r) => [r.operation, r.status]).sort()).toEqual([['conversation.note', 'delivered'], ['conversation.sync-approval', 'delivered']]);

    await decide(approval.id, 'approved', 'Go ahead, refund it.');
    await world.settle();
    conversation = world.chatwoot.conversation(account(), conversationId);
    expect(notes(conversationId).map((n) => n.kind)).toEqual(['created', 'approved']);
    expect(notes(conversationId)[1]!.content).toMatch(/\*\*CEO decision: APPROVED\*\* by Carol CEO\n\n> Go ahead, refund it\./);
    expect(conversation.labels.sort()).toEqual(['ceo-approved', 'vip']);
    expect(conversation.customAttributes['approval_status']).toBe('approved');
    expect((await approvalsFor(conversationId)).map((a) => a.status)).toEqual(['approved']);

    // What the dashboard app asks: the conversation's tenant and escalations, members only.
    const contextPath = `/api/chatwoot/context?accountId=${account()}&conversationId=${conversationId}`;
    const context = await world.orchestrator.call(PERSONAS.alice, 'GET', contextPath);
    expect(context.status).toBe(200);
    expect(await context.json()).toMatchObject({ tenantId: ACME, tenantName: 'Acme Corp', pendingApprovalId: null, approvals: [{ id: approval.id, status: 'approved', decisionComment: 'Go ahead, refund it.' }], conversation: { contactName: 'Jane Doe', approval: { id: approval.id, status: 'approved' } } });
    expect((await world.orchestrator.call(PERSONAS.olga, 'GET', contextPath)).status).toBe(403);
    expect((await world.orchestrator.call(null, 'GET', contextPath)).status).toBe(401);
    expect((await world.orchestrator.call(PERSONAS.alice, 'GET', `/api/chatwoot/context?accountId=${account()}`)).status).toBe(400);
    const spec = (await (await world.orchestrator.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/webhooks/chatwoot', '/api/sync/chatwoot', '/api/chatwoot/conversations', '/api/chatwoot/context']));
  });

  it('escalates from the label trigger once, removes the trigger, and re-arms after a decision', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Cancel my contract today', priority: 'urgent' });
    await world.settle();
    world.chatwoot.agentSetsLabels(account(), conversationId, ['vip', 'escalate']);
    await world.settle();
    const [approval] = await approvalsFor(conversationId);
    expect(approval).toMatchObject({ requested_by: 'chatwoot:label-trigger', priority: 'urgent', status: 'pending' });
    expect(approval!.description).toContain('Cancel my contract today');
    expect(world.chatwoot.conversation(account(), conversationId).labels.sort()).toEqual(['ceo-pending', 'vip']);

    // Added again while the CEO has not decided: consumed, no second request.
    world.chatwoot.agentSetsLabels(account(), conversationId, ['vip', 'ceo-pending', 'escalate']);
    await world.settle();
    expect(await approvalsFor(conversationId)).toHaveLength(1);

    await decide(approval!.id, 'rejected', 'Not this time.');
    await world.settle();
    expect(world.chatwoot.conversation(account(), conversationId).labels.sort()).toEqual(['ceo-rejected', 'vip']);
    world.chatwoot.agentSetsLabels(account(), conversationId, ['vip', 'ceo-rejected', 'escalate']);
    await world.settle();
    expect((await approvalsFor(conversationId)).map((a) => a.status)).toEqual(['rejected', 'pending']);
  });

  it('never rolls state back when Chatwoot delivers out of order', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Where is my parcel?' });
    await world.settle();
    const payloads = world.chatwoot.payloads(account(), conversationId);
    const older = { ...payloads.conversation('conversation_updated', [{ status: { previous_value: 'open', current_value: 'open' } }]), updated_at: 1_000, labels: [], status: 'open' };
    const newer = { ...payloads.conversation('conversation_status_changed'), updated_at: 2_000_000_000, labels: ['escalate'], status: 'resolved' };
    const url = `${world.baseUrl}/api/webhooks/chatwoot?account_id=${account()}`;
    for (const payload of [newer, older]) expect((await fetch(chatwootRequest(url, payload, { secret: world.acme.secret }))).status).toBe(200);
    await world.orchestrator.deps.inbox.drain();
    const state = await world.orchestrator.db.store.tenant(ACME, (tx) => withChatwootTables(tx).selectFrom('chatwoot_conversations').selectAll().where('conversation_id', '=', conversationId).executeTakeFirstOrThrow());
    expect(state).toMatchObject({ status: 'resolved', labels: ['escalate'], trigger_armed: false });
    // The stale snapshot (label absent) did not re-arm the trigger: still exactly one escalation.
    expect(await approvalsFor(conversationId)).toHaveLength(1);
  });

  it('reconciliation escalates a trigger whose webhook was lost, once', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Lost webhook case' });
    await world.settle();
    world.chatwoot.setWebhooks(false);
    world.chatwoot.agentSetsLabels(account(), conversationId, ['escalate']);
    world.chatwoot.setWebhooks(true);
    await world.settle();
    expect(await approvalsFor(conversationId)).toHaveLength(0);

    const services = chatwootServices(world.orchestrator.deps);
    const deps = { ...world.orchestrator.deps, accounts: services.accounts };
    const first = await reconcileTriggers(deps, world.orchestrator.deps.config, services.application!);
    expect(first.escalated).toEqual([{ tenantId: ACME, conversationId, approvalId: expect.any(String) }]);
    expect(first.failed).toEqual([]);
    const second = await reconcileTriggers(deps, world.orchestrator.deps.config, services.application!);
    expect(second.escalated).toEqual([]);
    await world.settle();
    expect(await approvalsFor(conversationId)).toHaveLength(1);
    expect(world.chatwoot.conversation(account(), conversationId).labels).toEqual(['ceo-pending']);
  });

  it('delivers every row exactly once after Chatwoot was down for a while', async () => {
    const conversations = [1, 2, 3].map(() => world.chatwoot.customerWrites(account(), { content: 'Outage case' }).conversationId);
    await world.settle();
    world.chatwoot.outage({ kind: 'status', status: 503 });
    onTestFinished(() => world.chatwoot.outage(null));
    const approvals: Approval[] = [];
    for (const id of conversations) approvals.push(await escalate(id));
    for (let i = 0; i < 4; i += 1) {
      await world.outbox.drain();
      world.clock.advance(60 * 60_000);
      if (i === 1) world.chatwoot.outage({ kind: 'reset' });
    }
    const waiting = (await outboxRows()).filter((r) => approvals.some((a) => (r.payload as { approvalId?: string }).approvalId === a.id));
    // Nothing got through; the first row of each conversation was tried and failed repeatedly,
    // the second waits behind it (rows of one conversation go one at a time).
    expect(waiting).toHaveLength(6);
    expect(waiting.every((r) => r.status === 'pending')).toBe(true);
    for (const id of conversations) {
      const mine = waiting.filter((r) => (r.payload as { conversationId: number }).conversationId === id).sort((a, b) => b.attempts - a.attempts);
      expect(mine[0]!.attempts).toBeGreaterThanOrEqual(2);
      expect(mine[0]!.last_error).toMatch(/HTTP 503|fetch failed/);
      expect(mine[1]!.attempts).toBe(0);
    }
    expect(world.chatwoot.notes(account(), conversations[0]!)).toEqual([]);

    world.chatwoot.outage(null);
    world.clock.advance(2 * 60 * 60_000);
    await world.settle();
    for (const id of conversations) {
      expect(notes(id).map((n) => n.kind)).toEqual(['created']);
      expect(world.chatwoot.conversation(account(), id).labels).toEqual(['ceo-pending']);
    }
    const rows = (await outboxRows()).filter((r) => approvals.some((a) => (r.payload as { approvalId?: string }).approvalId === a.id));
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
  });

  it('does not post a note twice when the answer to the first post was lost', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Timeout case' });
    await world.settle();
    world.chatwoot.loseAnswers(1, 'create-a-new-message-in-a-conversation');
    await escalate(conversationId);
    await world.outbox.drain();
    world.clock.advance(10 * 60_000);
    await world.settle();
    expect(notes(conversationId).map((n) => n.kind)).toEqual(['created']);
    const posts = world.chatwoot.requests.filter((r) => r.operationId === 'create-a-new-message-in-a-conversation' && r.path.includes(`/conversations/${conversationId}/`));
    expect(posts.map((r) => r.status)).toEqual([-1]); // one post (its answer lost); the retry found the marker
  });

  it('does not post a note twice when an admin retries a row whose lost answer had hidden a success', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Dead after a timeout' });
    await world.settle();
    world.chatwoot.loseAnswers(1, 'create-a-new-message-in-a-conversation');
    const approval = await escalate(conversationId);
    await world.outbox.drain();
    // As if the retries had run out: the note row is parked although Chatwoot has the note.
    const note = (await outboxRows()).find((r) => (r.payload as { approvalId?: string }).approvalId === approval.id && r.operation === 'conversation.note')!;
    await world.orchestrator.db.store.system((tx) => tx.updateTable('outbox').set({ status: 'dead', locked_until: null }).where('id', '=', note.id).execute());
    const retried = await world.orchestrator.call(PERSONAS.adam, 'POST', `/api/outbox/${note.id}/retry?tenantId=${encodeURIComponent(ACME)}`);
    expect(retried.status).toBe(200);
    world.clock.advance(10 * 60_000);
    await world.settle();
    expect(notes(conversationId).map((n) => n.kind)).toEqual(['created']);
  });

  it('honours 429 with Retry-After', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Rate limited' });
    await world.settle();
    world.chatwoot.outage({ kind: 'status', status: 429, retryAfter: '1800' });
    const approval = await escalate(conversationId);
    await world.outbox.drain();
    world.chatwoot.outage(null);
    const row = (await outboxRows()).find((r) => (r.payload as { approvalId?: string }).approvalId === approval.id && r.attempts > 0)!;
    expect(row.last_error).toMatch(/HTTP 429/);
    expect(row.next_attempt_at.getTime() - world.clock.now.getTime()).toBeGreaterThanOrEqual(1800_000 - 5_000);
    world.clock.advance(1900_000);
    await world.settle();
    expect(notes(conversationId)).toHaveLength(1);
  });

  it('parks a row as dead on a permanent error and delivers it once an admin retries', async () => {
    const missing = 777_001;
    const approval = await escalate(missing);
    await world.outbox.drain();
    const dead = (await outboxRows()).filter((r) => (r.payload as { approvalId?: string }).approvalId === approval.id);
    // A 404 is permanent: no retries, both rows of the conversation are parked.
    expect(dead.map((r) => [r.status, r.attempts])).toEqual([['dead', 1], ['dead', 1]]);
    expect(dead.every((r) => /HTTP 404/.test(r.last_error ?? ''))).toBe(true);

    const listed = await world.orchestrator.call(PERSONAS.adam, 'GET', `/api/outbox?tenantId=${encodeURIComponent(ACME)}&status=dead`);
    expect(((await listed.json()) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual(expect.arrayContaining(dead.map((r) => r.id)));
    world.chatwoot.customerWrites(account(), { content: 'Now it exists', conversationId: missing });
    await world.settle();
    const agentTry = await world.orchestrator.call(PERSONAS.alice, 'POST', `/api/outbox/${dead[0]!.id}/retry?tenantId=${encodeURIComponent(ACME)}`);
    expect(agentTry.status).toBe(403);
    for (const row of dead) {
      const retried = await world.orchestrator.call(PERSONAS.adam, 'POST', `/api/outbox/${row.id}/retry?tenantId=${encodeURIComponent(ACME)}`);
      expect(retried.status).toBe(200);
    }
    await world.settle();
    expect((await outboxRows()).filter((r) => dead.some((d) => d.id === r.id)).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    const audit = await world.orchestrator.db.store.tenant(ACME, (tx) => tx.selectFrom('audit_logs').select(['action', 'resource_id']).where('action', '=', 'outbox.retried').execute());
    expect(audit.map((a) => a.resource_id).filter((id) => dead.some((r) => r.id === id)).sort()).toEqual(dead.map((r) => r.id).sort());
    expect(notes(missing).map((n) => n.kind)).toEqual(['created']);
    expect(world.chatwoot.conversation(account(), missing).labels).toEqual(['ceo-pending']);
  });

  it('never writes into another tenant\'s Chatwoot account', async () => {
    const { conversationId } = world.chatwoot.customerWrites(account(), { content: 'Acme only' });
    await world.settle();
    const response = await world.orchestrator.call(PERSONAS.olga, 'POST', `/api/approvals?tenantId=${encodeURIComponent(GLOBEX)}`, {
      title: 'Sneaky', description: 'x', priority: 'low', source: { system: 'chatwoot', accountId: account(), conversationId },
    });
    expect(response.status).toBe(201);
    const approval = (await response.json()) as Approval;
    await world.settle();
    expect((await outboxRows()).filter((r) => (r.payload as { approvalId?: string }).approvalId === approval.id)).toEqual([]);
    expect(world.chatwoot.notes(account(), conversationId)).toEqual([]);
  });
});
