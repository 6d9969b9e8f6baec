import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TokenVerifier } from './auth/token-verifier.ts';
import type { Config } from './config/env.ts';
import type { DataStore } from './db/database.ts';
import type { EventBus } from './events/event-bus.ts';
import type { OutboundPlanner } from './integrations/domain-events.ts';
import type { InboxProcessor } from './inbox/inbox-processor.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { OutboxWorker } from './outbox/outbox-worker.ts';
import type { RateLimits } from './rate-limit/rate-limits.ts';

/** Everything the HTTP layer needs, built once by `createOrchestrator` (or by a test). */
export interface AppDeps {
  config: Config;
  store: DataStore;
  events: EventBus;
  logger: Logger;
  verifier: TokenVerifier;
  rateLimits: RateLimits;
  metrics: Metrics;
  planners: readonly OutboundPlanner[];
  outbox: OutboxWorker;
  inbox: InboxProcessor;
  /** Wakes the inbox processor right after a delivery is recorded (no-op until workers start). */
  nudgeInbox(): void;
  redis?: Redis | undefined;
}
