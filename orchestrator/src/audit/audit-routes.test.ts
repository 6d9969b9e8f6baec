import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, PERSONAS, type Persona } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import type { AuditEntry } from './audit-entry.ts';
import { CSV_COLUMNS } from './audit-export-format.ts';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import { checkChainLinks } from './verify-audit-chain.ts';

/** POST /api/audit, the list and resource views, the streamed exports, and who may read what. */

const { alice, mark, carol, olga } = PERSONAS;
const TENANT = '/teams/audit-routes';
const member = (persona: Persona): Persona => ({ ...persona, groups: [TENANT] });
const q = `tenantId=${encodeURIComponent(TENANT)}`;
let t: TestOrchestrator;

async function report(persona: Persona, body: Record<string, unknown>, tenantQuery = q) {
  return t.call(persona, 'POST', `/api/audit?${tenantQuery}`, body);
}
async function list(persona: Persona, query: string) {
  const res = await t.call(persona, 'GET', `/api/audit?${q}&${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { items: AuditEntry[]; nextCursor: number | null };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The trail of TENANT, built once: times are recorded between entries for the range filters.
const marks: string[] = [];
beforeAll(async () => {
  t = await startTestOrchestrator();
  const steps: Array<[Persona, string, string, string]> = [
    [member(alice), 'session.signed_in', 'session', 's-1'],
    [member(alice), 'module.opened', 'module', 'inbox'],
    [member(mark), 'module.opened', 'module', 'approvals'],
    [member(mark), 'tenant.switched', 'tenant', TENANT],
    [member(alice), 'consultation.joined', 'consultation', 'c-1'],
    [member(alice), 'session.signed_out', 'session', 's-1'],
  ];
  for (const [persona, action, resourceType, resourceId] of steps) {
    marks.push(new Date().toISOString());
    await sleep(5);
    const res = await report(persona, { action, resourceType, resourceId, metadata: { step: marks.length } });
    expect(res.status).toBe(201);
  }
  marks.push(new Date().toISOString());
});
afterAll(() => t.shutdown());

describe('POST /api/audit', () => {
  it('appends a known action with the actor taken from the token, never from the body', async () => {
    const res = await report(member(alice), { action: 'approval.viewed', resourceType: 'approval', resourceId: 'a-1', actorId: 'mallory', actorName: 'Mallory' });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as AuditEntry;
    expect(entry).toMatchObject({ tenantId: TENANT, actorId: alice.sub, actorName: alice.name, action: 'approval.viewed', resourceType: 'approval', resourceId: 'a-1' });
    expect(entry.metadata).toEqual({ reportedBy: 'shell' });
    expect(entry.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('refuses unknown actions and state-change actions with 400 naming the field', async () => {
    for (const action of ['approval.approved', 'audit.deleted', 'anything', '']) {
      const res = await report(member(alice), { action, resourceType: 'approval', resourceId: 'a-1' });
      expect(res.status, action).toBe(400);
      const body = (await res.json()) as { code: string; details: Array<{ path: string }> };
      expect(body.code).toBe('validation_failed');
      expect(body.details.map((d) => d.path)).toContain('action');
    }
    const badType = await report(member(alice), { action: 'module.opened', resourceType: 'Has Spaces', resourceId: 'x' });
    expect(badType.status).toBe(400);
  });

  it('needs membership of the tenant it writes to', async () => {
    expect((await report(olga, { action: 'module.opened', resourceType: 'module', resourceId: 'x' })).status).toBe(403);
    expect((await report(null as unknown as Persona, { action: 'module.opened', resourceType: 'module', resourceId: 'x' })).status).toBe(401);
  });
});

describe('GET /api/audit', () => {
  it('lists newest first with a seq cursor that walks the whole trail once', async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const page: { items: AuditEntry[]; nextCursor: number | null } = await list(member(mark), `limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor !== null);
    const total = seen.length;
    expect(total).toBeGreaterThanOrEqual(6);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });

  it('filters by actor, action, resource type and resource id', async () => {
    const byMark = await list(member(mark), `actorId=${mark.sub}`);
    expect(byMark.items.map((e) => e.action)).toEqual(['tenant.switched', 'module.opened']);
    const opened = await list(member(mark), 'action=module.opened');
    expect(opened.items.map((e) => e.resourceId)).toEqual(['approvals', 'inbox']);
    const sessions = await list(member(mark), 'resourceType=session');
    expect(sessions.items.map((e) => e.action)).toEqual(['session.signed_out', 'session.signed_in']);
    const combined = await list(member(mark), `resourceType=module&actorId=${alice.sub}`);
    expect(combined.items.map((e) => e.resourceId)).toEqual(['inbox']);
  });

  it('filters by time range: from inclusive, to exclusive', async () => {
    // marks[i] was taken just before step i+1 was reported.
    const middle = await list(member(mark), `from=${encodeURIComponent(marks[2]!)}&to=${encodeURIComponent(marks[4]!)}`);
    expect(middle.items.map((e) => e.metadata['step'])).toEqual([4, 3]);
    const early = await list(member(mark), `to=${encodeURIComponent(marks[1]!)}`);
    expect(early.items.map((e) => e.action)).toEqual(['session.signed_in']);
    expect((await t.call(member(mark), 'GET', `/api/audit?${q}&from=yesterday`)).status).toBe(400);
    expect((await t.call(member(mark), 'GET', `/api/audit?${q}&limit=0`)).status).toBe(400);
    expect((await t.call(member(mark), 'GET', `/api/audit?${q}&cursor=-1`)).status).toBe(400);
  });

  it('is for managers, the CEO and admins (agents get 403), and for anyone on their personal tenant', async () => {
    const agent = await t.call(member(alice), 'GET', `/api/audit?${q}`);
    expect(agent.status).toBe(403);
    expect(await agent.json()).toMatchObject({ code: 'forbidden', error: expect.stringMatching(/manager/) });
    expect((await t.call(member(carol), 'GET', `/api/audit?${q}`)).status).toBe(200);
    expect((await report(alice, { action: 'module.opened', resourceType: 'module', resourceId: 'mine' }, `tenantId=${alice.sub}`)).status).toBe(201);
    const personal = await t.call(alice, 'GET', `/api/audit?tenantId=${alice.sub}`);
    expect(personal.status).toBe(200);
    expect(((await personal.json()) as { items: AuditEntry[] }).items.map((e) => e.resourceId)).toEqual(['mine']);
  });
});

describe('GET /api/audit/resource/:type/:id', () => {
  it('returns one resource\'s history oldest first, within the tenant only', async () => {
    const created = await t.call(alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'history', priority: 'low' });
    const { id } = (await created.json()) as { id: string };
    expect((await t.call(carol, 'PATCH', `/api/approvals/${id}?tenantId=${encodeURIComponent(ACME)}`, { status: 'rejected', comment: 'not now' })).status).toBe(200);
    const res = await t.call(alice, 'GET', `/api/audit/resource/approval/${id}?tenantId=${encodeURIComponent(ACME)}`);
    expect(res.status).toBe(200); // any member may see one resource's history
    const { items } = (await res.json()) as { items: AuditEntry[] };
    expect(items.map((e) => [e.action, e.actorId])).toEqual([['approval.created', alice.sub], ['approval.rejected', carol.sub]]);
    expect(items[1]!.oldValue).toMatchObject({ status: 'pending' });
    expect(items[1]!.newValue).toMatchObject({ status: 'rejected', decisionComment: 'not now' });
    const elsewhere = await t.call(PERSONAS.gus, 'GET', `/api/audit/resource/approval/${id}?tenantId=${encodeURIComponent('/organizations/globex')}`);
    expect(((await elsewhere.json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe('GET /api/audit/export', () => {
  it('streams NDJSON that a third party can verify entry by entry', async () => {
    const res = await t.call(member(mark), 'GET', `/api/audit/export?${q}&format=ndjson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-_teams_audit-routes-.+\.ndjson"$/);
    expect(res.headers.get('content-length')).toBeNull(); // streamed, not buffered
    const lines = (await res.text()).trimEnd().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
    expect(checkChainLinks(entries, { seq: 0, hash: GENESIS_HASH })).toBeNull();
    expect(entries.every((e) => hashAuditEntry(e.prevHash, e) === e.hash)).toBe(true);
  });

  it('streams CSV with a header row, quoted cells and spreadsheet formulas defused', async () => {
    const formula = '=HYPERLINK("http://evil.example","click")';
    expect((await report(member(alice), { action: 'module.opened', resourceType: 'module', resourceId: formula, metadata: { note: '+1 "quoted", comma' } })).status).toBe(201);
    const res = await t.call(member(carol), 'GET', `/api/audit/export?${q}&format=csv&action=module.opened`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/\.csv"$/);
    const rows = (await res.text()).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(1 + 3); // the header and the three module.opened entries
    const last = rows[rows.length - 1]!;
    expect(last).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(last).not.toMatch(/(^|,)"=/); // no cell starts with a live formula
  });

  it('applies the filters to exports and refuses agents and unknown formats', async () => {
    const res = await t.call(member(mark), 'GET', `/api/audit/export?${q}&actorId=${mark.sub}`);
    const entries = (await res.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.map((e) => e.action)).toEqual(['module.opened', 'tenant.switched']);
    expect((await t.call(member(alice), 'GET', `/api/audit/export?${q}`)).status).toBe(403);
    expect((await t.call(member(mark), 'GET', `/api/audit/export?${q}&format=xlsx`)).status).toBe(400);
  });

  it('pages through a trail longer than one export page', async () => {
    const tenant = '/teams/audit-export-long';
    const manager = { ...mark, groups: [tenant] };
    // Rows written straight into the table: the export reads, it does not verify.
    await sql`INSERT INTO audit_logs (tenant_id, seq, actor_id, actor_name, action, resource_type, resource_id, created_at, prev_hash, hash)
      SELECT ${tenant}, g, 'bulk', 'Bulk', 'module.opened', 'module', 'm-' || g, now(), 'p', 'h' FROM generate_series(1, 520) AS g`.execute(t.db.store.owner);
    const res = await t.call(manager, 'GET', `/api/audit/export?tenantId=${encodeURIComponent(tenant)}&format=csv`);
    const rows = (await res.text()).split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(521);
    expect(rows[520]!.startsWith('"520",')).toBe(true);
  });
});
