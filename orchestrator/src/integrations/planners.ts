import type { Config } from '../config/env.ts';
import type { OutboundPlanner } from './domain-events.ts';

/**
 * The integrations that want to hear about approvals and consultations. Each one is enabled by
 * its own configuration; with none configured, changes simply produce no outbound calls.
 */
export function createPlanners(_config: Config): OutboundPlanner[] {
  return [];
}
