import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ACME, GLOBEX } from '../testing/test-issuer.ts';
import { withChatwootTables } from './chatwoot-schema.ts';

/** Row-level security on the Chatwoot tables, proven with statements that forget their tenant filter. */
describe('Chatwoot tables are tenant-isolated by the database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    for (const [tenant, account] of [[ACME, 1], [GLOBEX, 2]] as const) {
      await db.store.tenant(tenant, async (tx) => {
        const t = withChatwootTables(tx);
        await t.insertInto('chatwoot_conversations').values({ tenant_id: tenant, account_id: account, conversation_id: 7, updated_at: new Date() }).execute();
        await t.insertInto('chatwoot_user_links').values({ tenant_id: tenant, keycloak_user_id: `kc-${account}`, account_id: account, username: `u${account}`, name: 'U', email: `u${account}@x.test`, role: 'agent', desired: 'active', updated_at: new Date() }).execute();
      });
    }
  });
  afterAll(() => db.close());

  for (const table of ['chatwoot_conversations', 'chatwoot_user_links'] as const) {
    it(`${table}: a query without a tenant filter sees only its tenant`, async () => {
      const seen = await db.store.tenant(ACME, (tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM ${sql.table(table)}`.execute(tx));
      expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME]);
    });

    it(`${table}: another tenant's rows can be neither changed nor written`, async () => {
      const updated = await db.store.tenant(ACME, (tx) => sql`UPDATE ${sql.table(table)} SET updated_at = now() WHERE tenant_id = ${GLOBEX}`.execute(tx));
      expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
      await expect(
        db.store.tenant(ACME, (tx) =>
          table === 'chatwoot_conversations'
            ? withChatwootTables(tx).insertInto('chatwoot_conversations').values({ tenant_id: GLOBEX, account_id: 2, conversation_id: 8, updated_at: new Date() }).execute()
            : withChatwootTables(tx).insertInto('chatwoot_user_links').values({ tenant_id: GLOBEX, keycloak_user_id: 'x', account_id: 2, username: 'x', name: 'x', email: 'x@x.test', role: 'agent', desired: 'active', updated_at: new Date() }).execute(),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it(`${table}: the worker role sees every tenant`, async () => {
      const seen = await db.store.system((tx) => sql<{ tenant_id: string }>`SELECT tenant_id FROM ${sql.table(table)} ORDER BY tenant_id`.execute(tx));
      expect(seen.rows.map((r) => r.tenant_id)).toEqual([ACME, GLOBEX]);
    });
  }

  it('an approval cannot be smuggled into another tenant\'s Chatwoot account by its source', async () => {
    // Covered end to end in chatwoot-flow.test.ts; here: the account id is unique across tenants.
    await db.store.tenant(ACME, (tx) => tx.insertInto('tenant_settings').values({ tenant_id: ACME, chatwoot_account_id: 41, updated_at: new Date() }).execute());
    await expect(db.store.tenant(GLOBEX, (tx) => tx.insertInto('tenant_settings').values({ tenant_id: GLOBEX, chatwoot_account_id: 41, updated_at: new Date() }).execute())).rejects.toThrow();
  });
});
