import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DataStore } from '../db/database.ts';

/**
 * A fresh, migrated database for one test file. The backend follows the vitest project:
 * `WRRK_TEST_BACKEND=postgres` creates a throwaway database on the real server named by
 * `DATABASE_URL` (dropped afterwards); otherwise an in-memory PGlite.
 */
export interface TestDatabase {
  store: DataStore;
  /** Connection string of the throwaway database (postgres backend only). */
  url: string | null;
  close(): Promise<void>;
}

export const testBackend = (): 'postgres' | 'pglite' => (process.env['WRRK_TEST_BACKEND'] === 'postgres' ? 'postgres' : 'pglite');

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend() === 'pglite') {
    const store = await openDatabase({ pgliteDataDir: 'memory://' });
    await migrateToLatest(store.owner);
    return { store, url: null, close: () => store.close() };
  }
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) throw new Error('WRRK_TEST_BACKEND=postgres needs DATABASE_URL');
  const name = `wrrk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await openDatabase({ databaseUrl: url.toString(), poolMax: 10 });
  await migrateToLatest(store.owner);
  return {
    store,
    url: url.toString(),
    async close() {
      await store.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
