import type { Config } from '../config/env.ts';
import type { InboundHandler } from '../inbox/inbound-handler.ts';
import type { IntegrationDeps } from './deliverers.ts';
import { createChatwootInboundHandler } from '../chatwoot/chatwoot-inbound-handler.ts';
import { createJitsiInboundHandler } from '../jitsi/jitsi-inbound-handler.ts';
import { matrixInboundHandlers } from '../matrix/matrix-integration.ts';

/** Handlers of recorded inbound deliveries, one per source system. */
export function createInboundHandlers(config: Config, deps: IntegrationDeps): InboundHandler[] {
  // Always registered: a delivery already recorded must find its handler even if configuration changed since.
  return [createChatwootInboundHandler(config), createJitsiInboundHandler(), ...matrixInboundHandlers(config, deps)];
}
