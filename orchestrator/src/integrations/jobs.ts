import type { AppDeps } from '../app-deps.ts';
import { startChatwootJobs } from '../chatwoot/chatwoot-jobs.ts';
import { startMatrixJobs } from '../matrix/matrix-jobs.ts';

/**
 * The integrations' schedules (Chatwoot reconciliation and provisioning, Matrix account sync).
 * Each starts only when its system is configured; all are idempotent, so several orchestrator
 * instances may run them. Returns the functions that stop them.
 */
export function startIntegrationJobs(deps: AppDeps): Array<() => void> {
  return [startChatwootJobs(deps), startMatrixJobs(deps)];
}
