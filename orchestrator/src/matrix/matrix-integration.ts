import type { Config } from '../config/env.ts';
import { createDirectoryFromConfig } from '../directory/keycloak-directory.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import type { InboundHandler } from '../inbox/inbound-handler.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';
import type { OutboxDeliverer } from '../outbox/outbox-delivery.ts';
import { createMatrixDeliverer, type MatrixIntegrationDeps } from './matrix-deliverer.ts';
import { createMatrixInboundHandler } from './matrix-inbound-handler.ts';
import { createMatrixPlanner } from './matrix-planner.ts';
import { matrixSettings } from './matrix-settings.ts';

/**
 * The Matrix integration's parts for the registries in `integrations/`: nothing when the
 * homeserver is not configured, so an unconfigured instance plans no Matrix notices at all.
 * People are read from Keycloak with the orchestrator's service account (one directory per
 * configuration, shared by the deliverer, the chat-command handler and the schedule).
 */
export function matrixDirectory(config: Config): UserDirectory | null {
  return createDirectoryFromConfig(config);
}

export function matrixPlanners(config: Config): OutboundPlanner[] {
  const settings = matrixSettings(config);
  return settings ? [createMatrixPlanner(settings)] : [];
}

export function matrixDeliverers(config: Config, deps: MatrixIntegrationDeps): OutboxDeliverer[] {
  const settings = matrixSettings(config);
  return settings ? [createMatrixDeliverer(settings, { ...deps, directory: deps.directory ?? matrixDirectory(config) })] : [];
}

export function matrixInboundHandlers(config: Config, deps: MatrixIntegrationDeps): InboundHandler[] {
  const settings = matrixSettings(config);
  return settings ? [createMatrixInboundHandler(settings, { directory: deps.directory ?? matrixDirectory(config) })] : [];
}
