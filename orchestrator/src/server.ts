import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config/env.ts';
import { createOrchestrator } from './orchestrator.ts';

// Entry point: `node orchestrator/src/server.ts` (Node >= 22.18 runs TypeScript natively).
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const orchestrator = await createOrchestrator(config);
const { logger } = orchestrator.deps;
orchestrator.startWorkers();

const server = serve({ fetch: orchestrator.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  logger.info({ port: info.port, database: orchestrator.deps.store.kind, redis: Boolean(config.REDIS_URL), issuer: config.OIDC_ISSUER }, `orchestrator listening on http://localhost:${info.port} (docs at /api/docs)`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // Stop accepting, let in-flight requests finish (SSE streams are cut after a grace period).
  const grace = setTimeout(() => (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(), 5_000);
  server.close();
  await orchestrator.close();
  clearTimeout(grace);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
