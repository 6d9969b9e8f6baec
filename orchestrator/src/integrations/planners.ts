import type { Config } from '../config/env.ts';
import type { OutboundPlanner } from './domain-events.ts';
import { createChatwootPlanner } from '../chatwoot/chatwoot-planner.ts';
import { matrixPlanners } from '../matrix/matrix-integration.ts';

/**
 * The integrations that want to hear about approvals and consultations. Each one is enabled by
 * its own configuration; with none configured, changes simply produce no outbound calls.
 */
export function createPlanners(config: Config): OutboundPlanner[] {
  const planners: OutboundPlanner[] = [];
  if (config.CHATWOOT_URL) planners.push(createChatwootPlanner(config));
  planners.push(...matrixPlanners(config));
  return planners;
}
