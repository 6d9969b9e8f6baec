/**
 * One-shot bootstrap of the production stack (compose's `bootstrap` service), run once every
 * system is healthy; idempotent, so it is safe to run again after adding a tenant:
 *   1. the database schema (the same migrations the server runs),
 *   2. Chatwoot: each tenant's account, the orchestrator's webhook (its secret stored in tenant
 *      settings), the dashboard app, labels (chatwoot/src/bootstrap-cli.ts),
 *   3. Matrix: each tenant's room, with the bot as admin and staff invited.
 * Steps whose system is not configured are skipped and said so.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/env.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { createInProcessEventBus } from '../events/event-bus.ts';
import { createLogger } from '../logger.ts';
import { setUpMatrix } from '../matrix/matrix-setup.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

function runChatwootBootstrap(): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [resolve(repoRoot, 'chatwoot/src/bootstrap-cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env: process.env });
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`Chatwoot bootstrap failed (exit ${code})`))));
  });
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { service: 'bootstrap' });
  const store = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR, poolMax: 2 });
  try {
    const applied = await migrateToLatest(store.owner);
    logger.info({ applied }, applied.length ? 'database migrated' : 'database up to date');

    if (config.CHATWOOT_URL && config.CHATWOOT_PLATFORM_TOKEN) await runChatwootBootstrap();
    else logger.info('Chatwoot: skipped (set CHATWOOT_URL and CHATWOOT_PLATFORM_TOKEN)');

    if (config.MATRIX_HOMESERVER_URL) {
      const rooms = await setUpMatrix({ config, store, events: createInProcessEventBus(), logger });
      logger.info({ rooms }, 'Matrix: tenant rooms ready');
    } else {
      logger.info('Matrix: skipped (set MATRIX_HOMESERVER_URL)');
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
