import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ACME, GLOBEX } from '../testing/test-issuer.ts';
import './consultation-tables.ts';

/** Row-level security on Jitsi occupant sessions, proven with statements that forget their tenant filter. */
describe('consultation_occupancies is tenant-isolated by the database', () => {
  let db: TestDatabase;
  const consultationOf: Record<string, string> = {};
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const tenant of [ACME, GLOBEX]) {
      await db.store.tenant(tenant, async (tx) => {
        const c = await tx
          .insertInto('consultations')
          .values({ tenant_id: tenant, status: 'scheduled', title: 't', room_name: `wrrk-${tenant.slice(-6)}`, host_id: 'h', host_name: 'H', participants: '[]', created_by: 'h', updated_at: new Date() })
          .returning('id')
          .executeTakeFirstOrThrow();
        consultationOf[tenant] = c.id;
        await tx.insertInto('consultation_occupancies').values({ tenant_id: tenant, consultation_id: c.id, occupant_jid: `room@muc/${tenant.slice(-3)}`, user_id: 'u', name: 'U', email: null, joined_at: new Date(), left_at: null, updated_at: new Date() }).execute();
      });
    }
  });
  afterAll(() => db.close());

  it('a query without a tenant filter sees only its tenant', async () => {
    const seen = await db.store.tenant(ACME, (tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM consultation_occupancies`.execute(tx));
    expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME]);
  });

  it('another tenant\'s sessions can be neither changed nor added to', async () => {
    const updated = await db.store.tenant(ACME, (tx) => sql`UPDATE consultation_occupancies SET name = 'x' WHERE tenant_id = ${GLOBEX}`.execute(tx));
    expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
    await expect(
      db.store.tenant(ACME, (tx) =>
        tx.insertInto('consultation_occupancies').values({ tenant_id: GLOBEX, consultation_id: consultationOf[GLOBEX]!, occupant_jid: 'room@muc/evil', user_id: 'x', name: 'x', email: null, joined_at: new Date(), left_at: null, updated_at: new Date() }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('the worker role sees every tenant', async () => {
    const seen = await db.store.system((tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM consultation_occupancies ORDER BY tenant_id`.execute(tx));
    expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME, GLOBEX]);
  });
});
