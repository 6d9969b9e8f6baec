import type { Logger } from 'pino';
import type { UserDirectory } from '../directory/user-directory.ts';
import { inTenant, type WorkDeps } from '../db/tenant-work.ts';
import { startBackgroundLoop } from '../integrations/background-loop.ts';
import { requestAccountSync } from './account-sync-requests.ts';
import { roomAliasLocalpart } from './matrix-ids.ts';
import type { MatrixSettings } from './matrix-settings.ts';
import './matrix-tables.ts';

/**
 * The schedule of the downward sync: every interval, one `accounts.sync` outbox row per tenant
 * (Keycloak's organisations and teams, plus tenants that still have provisioned accounts, so a
 * deleted tenant's people are removed too). The dedupe key names the interval, so any number
 * of orchestrator instances queue each tenant's sync once.
 */
export interface SyncSchedulerDeps extends WorkDeps {
  directory: UserDirectory;
  settings: MatrixSettings;
  logger: Logger;
}

export async function queueScheduledSyncs(deps: SyncSchedulerDeps, intervalSeconds: number, now: Date = new Date()): Promise<string[]> {
  const slot = Math.floor(now.getTime() / (intervalSeconds * 1000));
  const fromDirectory = (await deps.directory.listTenants()).map((t) => t.id);
  const provisioned = await deps.store.system((tx) => tx.selectFrom('matrix_accounts').select('tenant_id').distinct().where('status', '=', 'active').execute());
  const tenants = [...new Set([...fromDirectory, ...provisioned.map((r) => r.tenant_id)])].filter((id) => roomAliasLocalpart(id, deps.settings.aliasPrefix));
  for (const tenantId of tenants) {
    await inTenant(deps, tenantId, (work) => requestAccountSync(work, { dedupeKey: `matrix:accounts.sync:${tenantId}:slot:${slot}` }));
  }
  return tenants;
}

/** Queues the syncs now and then every interval; several instances may run it (dedupe keys). */
export function startAccountSyncScheduler(deps: SyncSchedulerDeps, intervalSeconds: number): () => void {
  const loop = startBackgroundLoop(
    'matrix-account-sync',
    async () => {
      const tenants = await queueScheduledSyncs(deps, intervalSeconds);
      deps.logger.debug({ tenants }, 'matrix account syncs queued');
      return false;
    },
    { idleMs: intervalSeconds * 1000, logger: deps.logger },
  );
  return loop.stop;
}
