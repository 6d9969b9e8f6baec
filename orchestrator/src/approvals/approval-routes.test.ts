import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, PERSONAS, type Persona } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

const { alice, carol, adam, mark, olga, gus } = PERSONAS;
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

async function escalate(persona: Persona = alice, body: Record<string, unknown> = {}, tenant = ACME) {
  const res = await t.call(persona, 'POST', `/api/approvals?tenantId=${encodeURIComponent(tenant)}`, {
    title: 'Refund over limit',
    description: 'Customer asks for a 2,000 EUR refund',
    priority: 'high',
    ...body,
  });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

const path = (id: string, tenant = ACME) => `/api/approvals/${id}?tenantId=${encodeURIComponent(tenant)}`;

describe('approval life cycle', () => {
  it('creates an escalation with the requester from the token and a due time from the SLA', async () => {
    const before = Date.now();
    const { res, body } = await escalate(alice, { requestedBy: 'someone-else' });
    expect(res.status).toBe(400); // unknown fields are refused, never silently trusted
    const created = await escalate();
    expect(created.res.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', priority: 'high', requestedBy: alice.sub, requestedByName: alice.name, tenantId: ACME, escalationLevel: 0 });
    const due = Date.parse(created.body['dueAt'] as string);
    expect(due - before).toBeGreaterThanOrEqual(240 * 60_000 - 1000); // default SLA for high: 4 h
    expect(due - before).toBeLessThan(240 * 60_000 + 5000);
    expect(body['details']).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/unrecognized/i) })]));
  });

  it('lets the CEO approve with a comment, once', async () => {
    const { body: created } = await escalate();
    const approved = await t.call(carol, 'PATCH', path(created['id'] as string), { status: 'approved', comment: 'Go ahead' });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved', decidedBy: carol.sub, decisionComment: 'Go ahead' });
    const again = await t.call(adam, 'PATCH', path(created['id'] as string), { status: 'rejected', comment: 'no' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'conflict', error: expect.stringContaining('approved') });
  });

  it('applies the role, four-eyes and comment rules', async () => {
    const { body: created } = await escalate(carol); // the CEO escalates herself
    const id = created['id'] as string;
    expect((await t.call(mark, 'PATCH', path(id), { status: 'approved' })).status).toBe(403); // manager may not decide
    expect((await t.call(carol, 'PATCH', path(id), { status: 'approved' })).status).toBe(403); // four eyes
    const noComment = await t.call(adam, 'PATCH', path(id), { status: 'rejected' });
    expect(noComment.status).toBe(400);
    expect(await noComment.json()).toMatchObject({ details: [{ path: 'comment' }] });
    expect((await t.call(alice, 'PATCH', path(id), { status: 'cancelled' })).status).toBe(403); // not hers
    const cancelled = await t.call(carol, 'PATCH', path(id), { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
  });

  it('answers exactly one of two concurrent decisions and changes nothing for the other', async () => {
    const { body: created } = await escalate();
    const id = created['id'] as string;
    const results = await Promise.all([
      t.call(carol, 'PATCH', path(id), { status: 'approved', comment: 'yes' }),
      t.call(adam, 'PATCH', path(id), { status: 'rejected', comment: 'no' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = await t.call(carol, 'GET', `/api/audit/resource/approval/${id}?tenantId=${encodeURIComponent(ACME)}`);
    const { items } = (await history.json()) as { items: Array<{ action: string }> };
    expect(items.map((e) => e.action)).toHaveLength(2); // created + one decision
  });

  it('refuses a second pending escalation of the same conversation', async () => {
    const source = { system: 'chatwoot', accountId: 1, conversationId: 4242 };
    const first = await escalate(alice, { source });
    expect(first.res.status).toBe(201);
    const second = await escalate(mark, { source });
    expect(second.res.status).toBe(409);
    expect(second.body['details']).toEqual({ approvalId: first.body['id'] });
  });

  it('lists newest first with filters and a cursor, and the due queue soonest first', async () => {
    const tenant = '/teams/support';
    for (const priority of ['low', 'urgent', 'medium']) await escalate(alice, { priority, title: `p-${priority}` }, tenant);
    const page1 = await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&limit=2`);
    const body1 = (await page1.json()) as { items: Array<{ title: string }>; nextCursor: string };
    expect(body1.items.map((a) => a.title)).toEqual(['p-medium', 'p-urgent']);
    const page2 = await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&limit=2&cursor=${body1.nextCursor}`);
    const body2 = (await page2.json()) as { items: Array<{ title: string }>; nextCursor: string | null };
    expect(body2.items.map((a) => a.title)).toEqual(['p-low']);
    expect(body2.nextCursor).toBeNull();
    const due = await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&sort=due&status=pending`);
    expect(((await due.json()) as { items: Array<{ title: string }> }).items.map((a) => a.title)).toEqual(['p-urgent', 'p-medium', 'p-low']);
    const filtered = await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&priority=urgent,low`);
    expect(((await filtered.json()) as { items: unknown[] }).items).toHaveLength(2);
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&cursor=garbage`)).status).toBe(400);
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${encodeURIComponent(tenant)}&status=open`)).status).toBe(400);
  });
});

describe('tenant boundary on every approvals endpoint', () => {
  it('refuses a tenant the caller is not a member of, and hides other tenants\' rows', async () => {
    const { body: acmeApproval } = await escalate();
    const id = acmeApproval['id'] as string;
    // Olga (globex) naming acme: 403 on every endpoint.
    expect((await escalate(olga, {}, ACME)).res.status).toBe(403);
    expect((await t.call(olga, 'GET', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`)).status).toBe(403);
    expect((await t.call(olga, 'GET', path(id))).status).toBe(403);
    expect((await t.call(gus, 'PATCH', path(id), { status: 'approved' })).status).toBe(403);
    // Naming their own tenant with acme's id: not found, not leaked.
    expect((await t.call(olga, 'GET', path(id, GLOBEX))).status).toBe(404);
    expect((await t.call(gus, 'PATCH', path(id, GLOBEX), { status: 'approved' })).status).toBe(404);
    const globexList = await t.call(gus, 'GET', `/api/approvals?tenantId=${encodeURIComponent(GLOBEX)}`);
    expect(((await globexList.json()) as { items: unknown[] }).items).toHaveLength(0);
  });
});

describe('bad input and authentication', () => {
  it('answers 401, 400, 404, 413 and 415 in the error shape', async () => {
    const noToken = await t.call(null, 'GET', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`);
    expect(noToken.status).toBe(401);
    const body = (await noToken.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'missing bearer token', code: 'unauthenticated' });
    expect(body['requestId']).toBe(noToken.headers.get('x-request-id'));
    expect(typeof body['timestamp']).toBe('string');
    expect((await t.call(alice, 'GET', '/api/approvals')).status).toBe(400); // no tenant
    expect((await t.call(alice, 'GET', path('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
    expect((await t.call(alice, 'GET', path('not-a-uuid'))).status).toBe(400);
    const badJson = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, '{"title":');
    expect(badJson.status).toBe(400);
    const wrongType = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, 'title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    const huge = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'x', description: 'y'.repeat(300_000) });
    expect(huge.status).toBe(413);
    const missing = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { priority: 'whenever' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { details: Array<{ path: string }> }).details.map((d) => d.path).sort()).toEqual(['priority', 'title']);
  });
});
