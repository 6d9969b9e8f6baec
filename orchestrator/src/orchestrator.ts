import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AppDeps } from './app-deps.ts';
import { createApp } from './app.ts';
import { startEscalationScheduler } from './approvals/escalation-scheduler.ts';
import { createTokenVerifier, type TokenVerifier } from './auth/token-verifier.ts';
import type { Config } from './config/env.ts';
import { migrateToLatest, openDatabase, type DataStore } from './db/database.ts';
import { createInProcessEventBus, createRedisEventBus } from './events/event-bus.ts';
import { startBackgroundLoop } from './integrations/background-loop.ts';
import { createDeliverers } from './integrations/deliverers.ts';
import { createInboundHandlers } from './integrations/inbound-handlers.ts';
import { startIntegrationJobs } from './integrations/jobs.ts';
import { createPlanners } from './integrations/planners.ts';
import { createInboxProcessor } from './inbox/inbox-processor.ts';
import { createOutboxWorker } from './outbox/outbox-worker.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { createRateLimits } from './rate-limit/rate-limits.ts';

export interface Orchestrator {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  /** Background work: the overdue-escalation scanner (and the integrations' workers). */
  startWorkers(): void;
  close(): Promise<void>;
}

export interface OrchestratorOverrides {
  logger?: Logger;
  store?: DataStore;
  verifier?: TokenVerifier;
  defaultMetrics?: boolean;
}

/** Wires the whole service from configuration: database (migrated), Redis, auth, routes. */
export async function createOrchestrator(config: Config, overrides: OrchestratorOverrides = {}): Promise<Orchestrator> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const store = overrides.store ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDataDir: config.PGLITE_DATA_DIR, poolMax: config.DATABASE_POOL_MAX }));
  const ownsStore = !overrides.store;
  if (ownsStore) {
    const applied = await migrateToLatest(store.owner);
    if (applied.length) logger.info({ applied }, 'database migrated');
  }

  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    // commandTimeout: a Redis that accepts connections but never answers must not hang requests
    // (rate limits fall back to memory, live events are best-effort).
    redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false, commandTimeout: 1_000 });
    redis.on('error', (error) => logger.warn({ err: error.message }, 'redis error'));
  }
  const events = redis ? await createRedisEventBus(redis) : createInProcessEventBus();
  const planners = createPlanners(config);
  const integrationDeps = { store, events, logger };
  let nudge = () => {};
  const verifier = overrides.verifier ?? createTokenVerifier({ issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE });
  const deps: AppDeps = {
    config,
    store,
    events,
    logger,
    verifier,
    redis,
    metrics: createMetrics(store, { defaultMetrics: overrides.defaultMetrics ?? true }),
    rateLimits: createRateLimits({
      readsPerMinute: config.RATE_LIMIT_READS_PER_MINUTE,
      writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE,
      perAddressPerMinute: config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
      trustProxy: config.TRUST_PROXY,
      redis,
    }),
    planners,
    outbox: createOutboxWorker({ store, deliverers: createDeliverers(config, integrationDeps), logger }),
    inbox: createInboxProcessor({ store, events, handlers: createInboundHandlers(config, integrationDeps), planners, logger }),
    nudgeInbox: () => nudge(),
  };

  const stoppers: Array<() => void> = [];
  return {
    app: createApp(deps),
    deps,
    startWorkers() {
      stoppers.push(startEscalationScheduler(deps, config.ESCALATION_INTERVAL_SECONDS).stop);
      const outboxLoop = startBackgroundLoop('outbox', async () => (await deps.outbox.runOnce()).claimed > 0, { idleMs: 1_000, logger });
      const inboxLoop = startBackgroundLoop('inbox', async () => (await deps.inbox.processOne()) !== 'idle', { idleMs: 1_000, logger });
      nudge = inboxLoop.nudge;
      stoppers.push(outboxLoop.stop, inboxLoop.stop);
      stoppers.push(...startIntegrationJobs(deps));
    },
    async close() {
      for (const stop of stoppers) stop();
      await events.close();
      redis?.disconnect();
      if (ownsStore) await store.close();
    },
  };
}
