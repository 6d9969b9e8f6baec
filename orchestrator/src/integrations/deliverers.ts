import type { Config } from '../config/env.ts';
import type { Logger } from 'pino';
import type { DataStore } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { OutboxDeliverer } from '../outbox/outbox-delivery.ts';
import { createChatwootDeliverer } from '../chatwoot/chatwoot-deliverer.ts';
import { matrixDeliverers } from '../matrix/matrix-integration.ts';

export interface IntegrationDeps {
  store: DataStore;
  events?: EventBus;
  logger?: Logger;
}

/** Deliverers per target system, each enabled by its configuration. */
export function createDeliverers(config: Config, deps: IntegrationDeps): OutboxDeliverer[] {
  const deliverers: OutboxDeliverer[] = [];
  if (config.CHATWOOT_URL) deliverers.push(createChatwootDeliverer(config, deps));
  deliverers.push(...matrixDeliverers(config, deps));
  return deliverers;
}
