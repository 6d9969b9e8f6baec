import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus.ts';
import type { DataStore } from '../db/database.ts';
import { inSystem } from '../db/tenant-work.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';
import { escalateOverdueApprovals } from './approval-service.ts';

/** Runs the overdue scan on an interval inside each orchestrator instance (safe in parallel). */
export function startEscalationScheduler(deps: { store: DataStore; events: EventBus; logger: Logger; planners: readonly OutboundPlanner[] }, intervalSeconds: number) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const escalated = await escalateOverdueApprovals({ system: (fn) => inSystem(deps, fn) }, deps.planners);
      if (escalated.length > 0) deps.logger.info({ count: escalated.length, ids: escalated.map((a) => a.id) }, 'escalated overdue approvals');
    } catch (error) {
      deps.logger.warn({ err: error }, 'escalation scan failed; retrying next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalSeconds * 1000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
