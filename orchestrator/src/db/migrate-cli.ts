import { loadConfig } from '../config/env.ts';
import { migrateToLatest, openDatabase } from './database.ts';

// `npm run migrate`: the same migrations the server runs at start-up, on demand.
const config = loadConfig();
const store = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR });
try {
  const applied = await migrateToLatest(store.owner);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await store.close();
}
