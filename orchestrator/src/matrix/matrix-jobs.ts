import type { AppDeps } from '../app-deps.ts';
import { startAccountSyncScheduler } from './account-sync-scheduler.ts';
import { matrixDirectory } from './matrix-integration.ts';
import { matrixSettings } from './matrix-settings.ts';

/**
 * The Matrix schedule: the downward account sync of every tenant, every
 * MATRIX_SYNC_INTERVAL_SECONDS (and once at start). Runs only when the homeserver, its admin
 * token and the Keycloak directory are all configured; returns the function that stops it.
 */
export function startMatrixJobs(deps: AppDeps): () => void {
  const settings = matrixSettings(deps.config);
  const directory = matrixDirectory(deps.config);
  if (!settings?.adminToken || !directory) {
    if (settings) deps.logger.info('matrix account sync is off: it needs MATRIX_ADMIN_TOKEN and ORCHESTRATOR_CLIENT_SECRET');
    return () => {};
  }
  return startAccountSyncScheduler({ store: deps.store, events: deps.events, logger: deps.logger, directory, settings }, deps.config.MATRIX_SYNC_INTERVAL_SECONDS);
}
