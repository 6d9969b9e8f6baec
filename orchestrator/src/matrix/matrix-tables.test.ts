import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ACME, GLOBEX } from '../testing/test-issuer.ts';
import './matrix-tables.ts';

/** Row-level security on the Matrix tables, proven with statements that forget their tenant filter. */
const accountRow = (tenant: string, user: string) => ({ tenant_id: tenant, user_id: user, username: user, matrix_user_id: `@${user}:hs`, display_name: user, status: 'active' as const, updated_at: new Date() });
const noticeRow = (tenant: string, event: string) => ({ tenant_id: tenant, event_id: event, room_id: `!room-${event}:hs`, kind: 'reply' as const, approval_id: null, consultation_id: null, thread_root_event_id: null, outbox_id: null });
const insert = {
  matrix_accounts: (tx: Tx, tenant: string, tag: string) => tx.insertInto('matrix_accounts').values(accountRow(tenant, tag)).execute(),
  matrix_notices: (tx: Tx, tenant: string, tag: string) => tx.insertInto('matrix_notices').values(noticeRow(tenant, `$${tag}`)).execute(),
};

describe('Matrix tables are tenant-isolated by the database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const tenant of [ACME, GLOBEX]) {
      await db.store.tenant(tenant, async (tx) => {
        await insert.matrix_accounts(tx, tenant, `u-${tenant.length}-${tenant.slice(-3)}`);
        await insert.matrix_notices(tx, tenant, `e-${tenant.slice(-3)}`);
      });
    }
  });
  afterAll(() => db.close());

  for (const table of ['matrix_accounts', 'matrix_notices'] as const) {
    it(`${table}: a query without a tenant filter sees only its tenant`, async () => {
      const seen = await db.store.tenant(ACME, (tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM ${sql.table(table)}`.execute(tx));
      expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME]);
    });

    it(`${table}: another tenant's rows can be neither changed nor written`, async () => {
      const column = table === 'matrix_accounts' ? 'display_name' : 'room_id';
      const updated = await db.store.tenant(ACME, (tx) => sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = 'hijacked' WHERE tenant_id = ${GLOBEX}`.execute(tx));
      expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
      await expect(db.store.tenant(ACME, (tx) => insert[table](tx, GLOBEX, 'smuggled'))).rejects.toThrow(/row-level security/);
      const theirs = await db.store.tenant(GLOBEX, (tx) => sql<{ v: string }>`SELECT ${sql.ref(column)} AS v FROM ${sql.table(table)}`.execute(tx));
      expect(theirs.rows.map((r) => r.v)).not.toContain('hijacked');
    });

    it(`${table}: the worker role sees every tenant`, async () => {
      const seen = await db.store.system((tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM ${sql.table(table)} ORDER BY tenant_id`.execute(tx));
      expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME, GLOBEX]);
    });
  }

  it('a Matrix room belongs to one tenant only', async () => {
    await db.store.tenant(ACME, (tx) => tx.insertInto('tenant_settings').values({ tenant_id: ACME, matrix_room_id: '!shared:hs', sla_minutes: sql<string>`DEFAULT`, updated_at: new Date() }).execute());
    await expect(
      db.store.tenant(GLOBEX, (tx) => tx.insertInto('tenant_settings').values({ tenant_id: GLOBEX, matrix_room_id: '!shared:hs', sla_minutes: sql<string>`DEFAULT`, updated_at: new Date() }).execute()),
    ).rejects.toThrow();
  });
});
