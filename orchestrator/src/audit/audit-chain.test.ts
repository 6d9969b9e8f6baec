import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, PERSONAS, type Persona } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import { toAuditEntry, type AuditEntry } from './audit-entry.ts';
import { GENESIS_HASH, hashAuditEntry, type ChainedFields } from './audit-hash.ts';
import type { ChainVerification } from './verify-audit-chain.ts';

/** The per-tenant hash chain: built under concurrency, verifiable, and tamper-evident. */

const { alice, carol, gus } = PERSONAS;
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

const q = (tenant: string) => `tenantId=${encodeURIComponent(tenant)}`;
const memberOf = (persona: Persona, tenant: string): Persona => ({ ...persona, groups: [tenant] });

async function escalate(persona: Persona, tenant: string, title: string) {
  const res = await t.call(persona, 'POST', `/api/approvals?${q(tenant)}`, { title, description: 'd', priority: 'medium' });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

async function verify(persona: Persona, tenant: string): Promise<ChainVerification> {
  const res = await t.call(persona, 'GET', `/api/audit/verify?${q(tenant)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ChainVerification;
}

async function chainRows(tenant: string): Promise<AuditEntry[]> {
  const rows = await t.db.store.tenant(tenant, (tx) => tx.selectFrom('audit_logs').selectAll().orderBy('seq', 'asc').execute());
  return rows.map(toAuditEntry);
}

/** Behind the application's back: the owner disables user triggers for one transaction. */
async function tamper(statement: ReturnType<typeof sql>) {
  await t.db.store.owner.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    await statement.execute(tx);
  });
}

describe('chain construction', () => {
  it('links each tenant\'s entries by seq and prevHash, from the genesis hash', async () => {
    const tenant = '/teams/chain-basic';
    const ceo = memberOf(carol, tenant);
    const { id } = await escalate(memberOf(alice, tenant), tenant, 'first');
    const decided = await t.call(ceo, 'PATCH', `/api/approvals/${id}?${q(tenant)}`, { status: 'approved', comment: 'ok' });
    expect(decided.status).toBe(200);
    const entries = await chainRows(tenant);
    expect(entries.map((e) => [e.seq, e.action])).toEqual([[1, 'approval.created'], [2, 'approval.approved']]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    for (const entry of entries) expect(hashAuditEntry(entry.prevHash, entry)).toBe(entry.hash);
    expect(await verify(ceo, tenant)).toMatchObject({ ok: true, checked: 2, headSeq: 2, headHash: entries[1]!.hash, firstBreak: null });
  });

  it('keeps a gapless valid chain per tenant under 50 parallel escalations in two tenants', async () => {
    const results = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => t.call(alice, 'POST', `/api/approvals?${q(ACME)}`, { title: `parallel ${i}`, priority: 'low' })),
      ...Array.from({ length: 20 }, (_, i) => t.call(PERSONAS.olga, 'POST', `/api/approvals?${q(GLOBEX)}`, { title: `globex ${i}`, priority: 'low' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(70).fill(201));

    for (const [tenant, count] of [[ACME, 50], [GLOBEX, 20]] as const) {
      const entries = await chainRows(tenant);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(entries.every((e) => e.tenantId === tenant)).toBe(true); // tenants never interleave
      entries.forEach((entry, i) => expect(entry.prevHash).toBe(i === 0 ? GENESIS_HASH : entries[i - 1]!.hash));
    }
    expect(await verify(carol, ACME)).toMatchObject({ ok: true, checked: 50, headSeq: 50 });
    expect(await verify(gus, GLOBEX)).toMatchObject({ ok: true, checked: 20, headSeq: 20 });
  });

  it('verifies chains longer than one verification batch', async () => {
    const tenant = '/teams/chain-long';
    // A valid 1100-entry chain written in bulk (appending one by one is the slow part, not verifying).
    let prevHash = GENESIS_HASH;
    const createdAt = new Date();
    const rows = Array.from({ length: 1100 }, (_, i) => {
      const fields: ChainedFields = {
        tenantId: tenant, seq: i + 1, actorId: 'bulk', actorName: 'Bulk', action: 'module.opened', resourceType: 'module', resourceId: `m-${i}`,
        oldValue: null, newValue: null, metadata: {}, requestId: null, ipAddress: null, userAgent: null, createdAt: createdAt.toISOString(),
      };
      const hash = hashAuditEntry(prevHash, fields);
      const row = {
        tenant_id: tenant, seq: fields.seq, actor_id: fields.actorId, actor_name: fields.actorName, action: fields.action, resource_type: fields.resourceType,
        resource_id: fields.resourceId, old_value: 'null', new_value: 'null', metadata: '{}', request_id: null, ip_address: null, user_agent: null,
        created_at: createdAt, prev_hash: prevHash, hash,
      };
      prevHash = hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += 250) await t.db.store.owner.insertInto('audit_logs').values(rows.slice(i, i + 250)).execute();
    expect(await verify(memberOf(carol, tenant), tenant)).toMatchObject({ ok: true, checked: 1100, headSeq: 1100 });
    // A break past the first batch is still found, at the right place.
    await tamper(sql`UPDATE audit_logs SET actor_name = 'Mallory' WHERE tenant_id = ${tenant} AND seq = 1050`);
    expect(await verify(memberOf(carol, tenant), tenant)).toMatchObject({ ok: false, checked: 1049, headSeq: 1049, firstBreak: { seq: 1050, reason: 'hash_mismatch' } });
  });
});

describe('tamper evidence', () => {
  const tenant = '/teams/chain-tamper';
  const ceo = memberOf(carol, tenant);

  beforeAll(async () => {
    for (let i = 1; i <= 6; i += 1) await escalate(memberOf(alice, tenant), tenant, `tamper ${i}`);
    expect(await verify(ceo, tenant)).toMatchObject({ ok: true, checked: 6 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the normal path, even for the table owner', async () => {
    for (const statement of [
      sql`UPDATE audit_logs SET new_value = '{}' WHERE tenant_id = ${tenant} AND seq = 2`,
      sql`DELETE FROM audit_logs WHERE tenant_id = ${tenant} AND seq = 2`,
      sql`TRUNCATE audit_logs`,
    ]) {
      await expect(statement.execute(t.db.store.owner)).rejects.toThrow(/append-only/);
    }
    expect(await verify(ceo, tenant)).toMatchObject({ ok: true, checked: 6 });
  });

  it('catches an edited value at the edited entry, and clears once the value is restored', async () => {
    const original = (await chainRows(tenant))[2]!; // seq 3
    await tamper(sql`UPDATE audit_logs SET new_value = jsonb_set(new_value, '{priority}', '"low"') WHERE tenant_id = ${tenant} AND seq = 3`);
    const result = await verify(ceo, tenant);
    expect(result).toMatchObject({ ok: false, checked: 2, firstBreak: { seq: 3, entryId: original.id, reason: 'hash_mismatch', actual: original.hash } });
    await tamper(sql`UPDATE audit_logs SET new_value = ${JSON.stringify(original.newValue)}::jsonb WHERE tenant_id = ${tenant} AND seq = 3`);
    expect(await verify(ceo, tenant)).toMatchObject({ ok: true, checked: 6 });
  });

  it('catches an edit whose own hash was recomputed, at the next link', async () => {
    const [, , , fourth, fifth] = await chainRows(tenant);
    const forged = { ...fourth!, actorName: 'Someone Else' };
    await tamper(sql`UPDATE audit_logs SET actor_name = ${forged.actorName}, hash = ${hashAuditEntry(forged.prevHash, forged)} WHERE id = ${fourth!.id}`);
    expect(await verify(ceo, tenant)).toMatchObject({ ok: false, firstBreak: { seq: 5, entryId: fifth!.id, reason: 'prev_hash_mismatch' } });
    await tamper(sql`UPDATE audit_logs SET actor_name = ${fourth!.actorName}, hash = ${fourth!.hash} WHERE id = ${fourth!.id}`);
    expect(await verify(ceo, tenant)).toMatchObject({ ok: true });
  });

  it('catches a deleted middle entry as a sequence gap (owner disabling the trigger in a transaction)', async () => {
    const entries = await chainRows(tenant);
    await t.db.store.owner.transaction().execute(async (tx) => {
      await sql`ALTER TABLE audit_logs DISABLE TRIGGER USER`.execute(tx);
      await sql`DELETE FROM audit_logs WHERE tenant_id = ${tenant} AND seq = 4`.execute(tx);
      await sql`ALTER TABLE audit_logs ENABLE TRIGGER USER`.execute(tx);
    });
    const result = await verify(ceo, tenant);
    expect(result).toMatchObject({ ok: false, checked: 3, headSeq: 3, firstBreak: { seq: 5, entryId: entries[4]!.id, reason: 'sequence_gap', expected: '4', actual: '5' } });
    // The trigger is back: the normal path is refused again.
    await expect(sql`DELETE FROM audit_logs WHERE tenant_id = ${tenant} AND seq = 5`.execute(t.db.store.owner)).rejects.toThrow(/append-only/);
  });

  it('keeps other tenants\' chains intact', async () => {
    expect(await verify(carol, ACME)).toMatchObject({ ok: true });
  });
});
