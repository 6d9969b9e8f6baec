import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';

export type Tx = Transaction<Database>;

/**
 * The only door to the data. Request code goes through `tenant()`, which runs the callback in
 * a transaction as the `wrrk_app` role with `app.tenant_id` set, so row-level security limits
 * every statement to that tenant even if it forgets its `where`. Background workers use
 * `system()` (role `wrrk_worker`). Both settings are transaction-local, so nothing leaks to
 * the next user of a pooled connection.
 */
export interface DataStore {
  readonly kind: 'postgres' | 'pglite';
  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  system<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Owner connection: migrations and health checks only. */
  readonly owner: Kysely<Database>;
  ping(): Promise<number>;
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` for an ephemeral database. */
  pgliteDataDir?: string | undefined;
  poolMax?: number | undefined;
}

// bigint columns (sequence numbers, counts) stay far below 2^53: read them as numbers.
const parseTypes = ((oid: number, format?: 'text' | 'binary') =>
  oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser;

async function scoped<T>(db: Kysely<Database>, role: 'wrrk_app' | 'wrrk_worker', tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('role', ${role}, true), set_config('app.tenant_id', ${tenantId}, true)`.execute(tx);
    return fn(tx);
  });
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DataStore> {
  let pool: pg.Pool;
  let closeEngine = async () => {};
  let kind: DataStore['kind'];
  if (options.databaseUrl) {
    kind = 'postgres';
    pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      types: { getTypeParser: parseTypes },
    });
  } else {
    kind = 'pglite';
    // Loaded lazily: production (DATABASE_URL set) never pays for the WASM engine.
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    const dataDir = options.pgliteDataDir ?? 'memory://';
    if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
    const engine = await PGlite.create(dataDir);
    // PGlite is a single connection: a pool of one serialises transactions, as Postgres would lock.
    pool = new pg.Pool({ ...(createPgConfig(engine) as unknown as pg.PoolConfig), max: 1, types: { getTypeParser: parseTypes } });
    closeEngine = () => engine.close();
  }
  // A dropped connection must not crash the process; the pool replaces it on next use.
  pool.on('error', () => {});
  // pg-pool only listens for errors on idle clients. A connection lost while checked out but
  // between statements (mid-transaction) would emit an unhandled 'error' and kill the process;
  // the next statement on that client fails instead (503), and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));

  const owner = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  return {
    kind,
    owner,
    tenant: (tenantId, fn) => scoped(owner, 'wrrk_app', tenantId, fn),
    system: (fn) => scoped(owner, 'wrrk_worker', '', fn),
    async ping() {
      const started = performance.now();
      await sql`SELECT 1`.execute(owner);
      return performance.now() - started;
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await owner.destroy();
      await closeEngine();
    },
  };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
