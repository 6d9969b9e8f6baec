import type { Config } from '../config/env.ts';
import type { DataStore } from '../db/database.ts';
import type { OutboxDeliverer } from '../outbox/outbox-delivery.ts';

export interface IntegrationDeps {
  store: DataStore;
}

/** Deliverers per target system, each enabled by its configuration. */
export function createDeliverers(_config: Config, _deps: IntegrationDeps): OutboxDeliverer[] {
  return [];
}
