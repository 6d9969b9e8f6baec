import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DataStore } from '../db/database.ts';
import { migrations } from '../db/migrations/index.ts';

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
    const dir = join(tmpdir(), `wrrk-pglite-${randomBytes(6).toString('hex')}`);
    cpSync(await pgliteTemplate(), dir, { recursive: true });
    const store = await openDatabase({ pgliteDataDir: dir });
    await migrateToLatest(store.owner); // a no-op on a current template; keeps the copy honest
    return {
      store,
      url: null,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
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

/**
 * Initialising a PGlite cluster and migrating it costs seconds per test file; copying a migrated
 * data directory costs well under one. The template is keyed by the migrations' source, so a
 * changed migration builds a new one; concurrent builders race harmlessly (first rename wins).
 */
async function pgliteTemplate(): Promise<string> {
  const key = createHash('sha256')
    .update(Object.entries(migrations).map(([name, migration]) => `${name}\n${migration.up.toString()}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = join(tmpdir(), `wrrk-pglite-template-${key}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const building = `${template}.${randomBytes(4).toString('hex')}`;
  const seed = await openDatabase({ pgliteDataDir: building });
  await migrateToLatest(seed.owner);
  await seed.close();
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another file built it first
  }
  return template;
}
