import type { Config } from '../config/env.ts';
import type { InboundHandler } from '../inbox/inbound-handler.ts';
import type { IntegrationDeps } from './deliverers.ts';

/** Handlers of recorded inbound deliveries, one per source system. */
export function createInboundHandlers(_config: Config, _deps: IntegrationDeps): InboundHandler[] {
  return [];
}
