import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/** Every tenant-scoped request names its tenant, and the caller must belong to it. */

const { alice, olga } = PERSONAS;
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

const enc = encodeURIComponent;
// One representative of each tenant-scoped group and method.
const ENDPOINTS: Array<[method: string, path: string, body?: unknown]> = [
  ['GET', '/api/approvals'],
  ['POST', '/api/approvals', { title: 'guarded', priority: 'low' }],
  ['GET', '/api/audit/resource/approval/x'],
  ['POST', '/api/audit', { action: 'module.opened', resourceType: 'module', resourceId: 'inbox' }],
  ['GET', '/api/audit/verify'],
];

describe('tenant guard', () => {
  it('answers 400 naming tenantId when no tenant is given', async () => {
    for (const [method, path, body] of ENDPOINTS) {
      const res = await t.call(alice, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'validation_failed', details: [{ path: 'tenantId' }], error: expect.stringMatching(/X-Tenant-Id/) });
    }
  });

  it('answers 400 when the query and the X-Tenant-Id header disagree, even if both are the caller\'s', async () => {
    const res = await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(ACME)}`, undefined, { 'x-tenant-id': '/teams/support' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_request', details: { query: ACME, header: '/teams/support' } });
    const same = await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(ACME)}`, undefined, { 'x-tenant-id': ACME });
    expect(same.status).toBe(200);
  });

  it('accepts the tenant from the X-Tenant-Id header alone', async () => {
    const created = await t.call(alice, 'POST', '/api/approvals', { title: 'by header', priority: 'low' }, { 'x-tenant-id': '/teams/support' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ tenantId: '/teams/support' });
    const listed = await t.call(alice, 'GET', '/api/approvals', undefined, { 'x-tenant-id': '/teams/support' });
    expect(((await listed.json()) as { items: Array<{ title: string }> }).items.map((a) => a.title)).toEqual(['by header']);
  });

  it('answers 403 for a tenant the caller is not a member of, on every endpoint and either way of naming it', async () => {
    for (const [method, path, body] of ENDPOINTS) {
      const viaQuery = await t.call(olga, method, `${path}?tenantId=${enc(ACME)}`, body);
      expect(viaQuery.status, `${method} ${path}`).toBe(403);
      expect(await viaQuery.json()).toMatchObject({ code: 'forbidden', error: `not a member of tenant ${ACME}` });
      expect((await t.call(olga, method, path, body, { 'x-tenant-id': ACME })).status, `${method} ${path}`).toBe(403);
    }
    // Group paths that only look like tenants are not memberships.
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${enc('/organizations/acme-corp/sub')}`)).status).toBe(403);
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${enc('/organizations')}`)).status).toBe(403);
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(olga.sub)}`)).status).toBe(403); // someone else's personal tenant
    expect((await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(GLOBEX)}`)).status).toBe(403);
  });

  it('serves the caller\'s personal tenant (their user id), isolated from their organizations', async () => {
    const created = await t.call(alice, 'POST', `/api/approvals?tenantId=${enc(alice.sub)}`, { title: 'personal', priority: 'low' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ tenantId: alice.sub });
    const personal = await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(alice.sub)}`);
    expect(((await personal.json()) as { items: Array<{ title: string }> }).items.map((a) => a.title)).toEqual(['personal']);
    const acme = await t.call(alice, 'GET', `/api/approvals?tenantId=${enc(ACME)}`);
    expect(((await acme.json()) as { items: Array<{ title: string }> }).items.map((a) => a.title)).not.toContain('personal');
  });
});
