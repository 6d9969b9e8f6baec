import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '../testing/test-database.ts';
import { openDatabase, type DataStore, type Tx } from './database.ts';
import type { Database } from './schema.ts';

/**
 * The database enforces tenant isolation by itself: raw SQL with no tenant filter, run the way
 * request code runs it (`store.tenant()`), sees one tenant, and cannot write into another.
 */

const A = '/organizations/rls-a';
const B = '/organizations/rls-b';
const TENANT_TABLES = ['approvals', 'audit_logs', 'consultations', 'tenant_settings', 'outbox', 'webhook_receipts'] as const;
type TenantTable = (typeof TENANT_TABLES)[number];

let db: TestDatabase;

// One row per tenant table, inserted as the worker role (its policy spans tenants).
async function seedTenant(tx: Tx, tenantId: string, tag: string) {
  const approval = await sql<{ id: string }>`
    INSERT INTO approvals (tenant_id, title, priority, requested_by, requested_by_name, due_at)
    VALUES (${tenantId}, ${`approval ${tag}`}, 'high', 'u', 'U', now() + interval '1 hour') RETURNING id`.execute(tx);
  await sql`INSERT INTO audit_logs (tenant_id, seq, actor_id, actor_name, action, resource_type, resource_id, created_at, prev_hash, hash)
    VALUES (${tenantId}, 1, 'u', 'U', 'approval.created', 'approval', ${approval.rows[0]!.id}, now(), 'genesis', ${`hash-${tag}`})`.execute(tx);
  await sql`INSERT INTO consultations (tenant_id, title, room_name, host_id, host_name, created_by)
    VALUES (${tenantId}, ${`consultation ${tag}`}, ${`room-${tag}-${randomBytes(4).toString('hex')}`}, 'u', 'U', 'u')`.execute(tx);
  await sql`INSERT INTO tenant_settings (tenant_id, display_name) VALUES (${tenantId}, ${tag})`.execute(tx);
  await sql`INSERT INTO outbox (tenant_id, target, operation, payload) VALUES (${tenantId}, 'chatwoot', 'note', '{}')`.execute(tx);
  await sql`INSERT INTO webhook_receipts (tenant_id, source, delivery_id, event_type, payload)
    VALUES (${tenantId}, 'chatwoot', ${`delivery-${tag}`}, 'message_created', '{}')`.execute(tx);
}

async function tenantsVisible(tx: Tx | Kysely<Database>, table: TenantTable): Promise<string[]> {
  // Deliberately no WHERE: only the policy stands between this query and other tenants' rows.
  const result = await sql<{ tenant_id: string }>`SELECT tenant_id FROM ${sql.table(table)}`.execute(tx);
  return result.rows.map((row) => row.tenant_id);
}

/** Runs `fn` and returns the PostgreSQL error it raised (the transaction is rolled back). */
async function refusal(run: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await run;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected the database to refuse');
}

/** The isolation proof, for any store whose tenant() runs as the app role. */
function provesIsolation(store: () => DataStore) {
  it('shows a filter-less SELECT only the current tenant\'s rows, in every tenant table', async () => {
    for (const table of TENANT_TABLES) {
      const seenByA = await store().tenant(A, (tx) => tenantsVisible(tx, table));
      const seenByB = await store().tenant(B, (tx) => tenantsVisible(tx, table));
      expect(seenByA, table).toEqual([A]);
      expect(seenByB, table).toEqual([B]);
    }
    // Aggregates and joins are filtered as well, not just plain row reads.
    const counted = await store().tenant(A, (tx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM approvals a JOIN audit_logs l ON l.resource_id = a.id::text`.execute(tx),
    );
    expect(counted.rows[0]!.n).toBe(1);
  });

  it('runs request transactions as the app role with the tenant set', async () => {
    const row = await store().tenant(A, async (tx) =>
      (await sql<{ role: string; tenant: string }>`SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant`.execute(tx)).rows[0],
    );
    expect(row).toEqual({ role: 'wrrk_app', tenant: A });
  });

  it('refuses an INSERT into another tenant', async () => {
    const error = await refusal(
      store().tenant(A, (tx) =>
        sql`INSERT INTO approvals (tenant_id, title, priority, requested_by, requested_by_name, due_at) VALUES (${B}, 'smuggled', 'low', 'u', 'U', now())`.execute(tx),
      ),
    );
    expect(error.code).toBe('42501');
    expect(error.message).toMatch(/row-level security/);
    for (const [table, insert] of [
      ['audit_logs', sql`INSERT INTO audit_logs (tenant_id, seq, actor_id, actor_name, action, resource_type, resource_id, created_at, prev_hash, hash) VALUES (${B}, 99, 'u', 'U', 'x', 'x', 'x', now(), 'p', 'h')`],
      ['tenant_settings', sql`INSERT INTO tenant_settings (tenant_id) VALUES ('/organizations/rls-c')`],
      ['outbox', sql`INSERT INTO outbox (tenant_id, target, operation, payload) VALUES (${B}, 'matrix', 'notice', '{}')`],
      ['webhook_receipts', sql`INSERT INTO webhook_receipts (tenant_id, source, delivery_id, event_type, payload) VALUES (${B}, 'chatwoot', 'x-1', 'x', '{}')`],
    ] as const) {
      expect((await refusal(store().tenant(A, (tx) => insert.execute(tx)))).code, table).toBe('42501');
    }
  });

  it('refuses to move a row to another tenant and cannot reach another tenant\'s rows to UPDATE', async () => {
    const moved = await refusal(store().tenant(A, (tx) => sql`UPDATE approvals SET tenant_id = ${B}`.execute(tx)));
    expect(moved.code).toBe('42501');
    expect(moved.message).toMatch(/row-level security/);
    const reached = await store().tenant(A, (tx) => sql`UPDATE approvals SET title = 'defaced' WHERE tenant_id = ${B}`.execute(tx));
    expect(Number(reached.numAffectedRows)).toBe(0);
    const settings = await store().tenant(A, (tx) => sql`UPDATE tenant_settings SET display_name = 'defaced'`.execute(tx));
    expect(Number(settings.numAffectedRows)).toBe(1); // its own row only
    const titles = await store().tenant(B, (tx) => sql<{ title: string }>`SELECT title FROM approvals`.execute(tx));
    expect(titles.rows).toEqual([{ title: 'approval b' }]);
    const names = await store().tenant(B, (tx) => sql<{ display_name: string }>`SELECT display_name FROM tenant_settings`.execute(tx));
    expect(names.rows).toEqual([{ display_name: 'b' }]);
  });

  it('lets the app role neither UPDATE nor DELETE the audit trail, even its own tenant\'s', async () => {
    expect((await refusal(store().tenant(A, (tx) => sql`UPDATE audit_logs SET action = 'rewritten'`.execute(tx)))).code).toBe('42501');
    expect((await refusal(store().tenant(A, (tx) => sql`DELETE FROM audit_logs`.execute(tx)))).code).toBe('42501');
    expect((await refusal(store().tenant(A, (tx) => sql`TRUNCATE audit_logs`.execute(tx)))).code).toBe('42501');
    expect((await refusal(store().tenant(A, (tx) => sql`DELETE FROM approvals`.execute(tx)))).code).toBe('42501');
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.system(async (tx) => {
    await seedTenant(tx, A, 'a');
    await seedTenant(tx, B, 'b');
  });
});
afterAll(() => db.close());

describe('row-level security in the catalog (every table, including ones added later)', () => {
  const BOOKKEEPING = ['schema_migrations', 'schema_migrations_lock'];

  it('gives every table a tenant_id and FORCEd row-level security with the tenant policy for the app role', async () => {
    const tables = await sql<{ name: string; has_tenant: boolean; enabled: boolean; forced: boolean; app_policy: string | null; public_policies: number }>`
      SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
        EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant,
        (SELECT pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polroles = ARRAY[(SELECT oid FROM pg_roles WHERE rolname = 'wrrk_app')]::oid[] LIMIT 1) AS app_policy,
        (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid AND 0 = ANY (p.polroles)) AS public_policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`.execute(db.store.owner);
    const tenantTables = tables.rows.filter((t) => !BOOKKEEPING.includes(t.name));
    expect(tenantTables.map((t) => t.name)).toEqual(expect.arrayContaining([...TENANT_TABLES]));
    for (const table of tenantTables) {
      expect({ table: table.name, hasTenant: table.has_tenant, enabled: table.enabled, forced: table.forced, publicPolicies: table.public_policies }).toEqual({
        table: table.name, hasTenant: true, enabled: true, forced: true, publicPolicies: 0,
      });
      expect(table.app_policy, table.name).toMatch(/tenant_id = current_setting\('app\.tenant_id'(::text)?, true\)/);
    }
  });

  it('has no view that would read tables with its owner\'s rights, and application roles that cannot bypass RLS', async () => {
    const views = await sql<{ name: string; options: string[] | null }>`
      SELECT c.relname AS name, c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')`.execute(db.store.owner);
    for (const view of views.rows) expect(view.options ?? [], view.name).toContain('security_invoker=true');
    const roles = await sql<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>`
      SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname IN ('wrrk_app', 'wrrk_worker') ORDER BY 1`.execute(db.store.owner);
    expect(roles.rows).toEqual([
      { rolname: 'wrrk_app', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
      { rolname: 'wrrk_worker', rolsuper: false, rolbypassrls: false, rolcanlogin: false },
    ]);
  });
});

describe('row-level security through store.tenant()', () => {
  provesIsolation(() => db.store);

  it('fails closed: the app role with no tenant set sees nothing and can write nothing', async () => {
    for (const tenant of [null, '']) {
      const seen = await db.store.owner.transaction().execute(async (tx) => {
        await sql`SELECT set_config('role', 'wrrk_app', true)`.execute(tx);
        if (tenant !== null) await sql`SELECT set_config('app.tenant_id', ${tenant}, true)`.execute(tx);
        const rows: string[] = [];
        for (const table of TENANT_TABLES) rows.push(...(await tenantsVisible(tx, table)));
        return rows;
      });
      expect(seen).toEqual([]);
    }
    const blind = await refusal(
      db.store.owner.transaction().execute(async (tx) => {
        await sql`SELECT set_config('role', 'wrrk_app', true)`.execute(tx);
        await sql`INSERT INTO outbox (tenant_id, target, operation, payload) VALUES (${A}, 'matrix', 'notice', '{}')`.execute(tx);
      }),
    );
    expect(blind.code).toBe('42501');
  });

  it('lets the worker role span tenants (background jobs), and only through system()', async () => {
    const seen = await db.store.system((tx) => tenantsVisible(tx, 'approvals'));
    expect(seen.sort()).toEqual([A, B]);
  });

  it('keeps the role and tenant transaction-local: nothing leaks to the next user of a pooled connection', async () => {
    // A single-connection pool guarantees the next statement reuses the very same session.
    const single = db.url ? await openDatabase({ databaseUrl: db.url, poolMax: 1 }) : db.store;
    try {
      const session = async () =>
        (await sql<{ role: string; tenant: string | null }>`SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant`.execute(single.owner)).rows[0]!;
      const before = await session();
      expect(await single.tenant(A, (tx) => tenantsVisible(tx, 'approvals'))).toEqual([A]);
      const after = await session();
      expect(after.role).toBe(before.role);
      expect(after.role).not.toBe('wrrk_app');
      expect(after.tenant ?? '').toBe('');
      expect(await single.tenant(B, (tx) => tenantsVisible(tx, 'approvals'))).toEqual([B]);

      // The check above can fail: a session-level setting (is_local = false) does leak.
      await sql`SELECT set_config('app.tenant_id', ${A}, false)`.execute(single.owner);
      expect((await session()).tenant).toBe(A);
      await sql`RESET app.tenant_id`.execute(single.owner);
      expect((await session()).tenant ?? '').toBe('');
    } finally {
      if (single !== db.store) await single.close();
    }
  });
});

describe.runIf(testBackend() === 'postgres')('row-level security for a dedicated login role (real server)', () => {
  const loginRole = `wrrk_rls_login_${randomBytes(4).toString('hex')}`;
  let loginStore: DataStore;
  let plain: pg.Client;

  beforeAll(async () => {
    // Neither superuser nor owner of anything; it may only become wrrk_app.
    await sql`CREATE ROLE ${sql.raw(loginRole)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`.execute(db.store.owner);
    await sql`GRANT wrrk_app TO ${sql.raw(loginRole)}`.execute(db.store.owner);
    const url = new URL(db.url!);
    url.username = loginRole;
    url.password = '';
    loginStore = await openDatabase({ databaseUrl: url.toString(), poolMax: 2 });
    plain = new pg.Client({ connectionString: url.toString() });
    await plain.connect();
  });
  afterAll(async () => {
    await plain?.end();
    await loginStore?.close();
    await sql`DROP ROLE IF EXISTS ${sql.raw(loginRole)}`.execute(db.store.owner);
  });

  it('is really a non-superuser that owns none of the tables', async () => {
    const who = await plain.query<{ session_user: string; rolsuper: boolean; rolbypassrls: boolean }>(
      'SELECT session_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = session_user',
    );
    expect(who.rows[0]).toEqual({ session_user: loginRole, rolsuper: false, rolbypassrls: false });
    const owned = await plain.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = session_user`);
    expect(owned.rows).toEqual([]);
  });

  provesIsolation(() => loginStore);

  it('without switching role, its inherited wrrk_app privileges are still bound by the policies', async () => {
    await plain.query('BEGIN');
    try {
      await plain.query(`SELECT set_config('app.tenant_id', $1, true)`, [A]);
      for (const table of TENANT_TABLES) {
        const result = await plain.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${table}`);
        expect(result.rows.map((r) => r.tenant_id), table).toEqual([A]);
      }
    } finally {
      await plain.query('ROLLBACK');
    }
    // No tenant set at all: nothing, not everything.
    const unset = await plain.query('SELECT tenant_id FROM approvals');
    expect(unset.rows).toEqual([]);
    await expect(plain.query(`SELECT set_config('role', 'wrrk_worker', false)`)).rejects.toThrow(/permission denied/);
  });
});
