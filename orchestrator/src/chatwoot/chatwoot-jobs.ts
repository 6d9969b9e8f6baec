import type { AppDeps } from '../app-deps.ts';
import { SYSTEM_ACTOR, NO_ORIGIN } from '../audit/audit-entry.ts';
import { inTenant } from '../db/tenant-work.ts';
import { startBackgroundLoop } from '../integrations/background-loop.ts';
import { triggerLabelFrom } from './chatwoot-inbound-handler.ts';
import { chatwootServices, type ChatwootServices } from './chatwoot-services.ts';
import { applyProvisioningPlan, type ProvisioningSummary } from './provisioning.ts';
import { reconcileTriggers } from './reconcile-triggers.ts';

/** Provisioning for every tenant connected to Chatwoot, as the scheduled job runs it. */
export async function provisionAllTenants(deps: AppDeps, services: ChatwootServices): Promise<{ summaries: ProvisioningSummary[]; failed: Array<{ tenantId: string; error: string }> }> {
  const summaries: ProvisioningSummary[] = [];
  const failed: Array<{ tenantId: string; error: string }> = [];
  if (!services.directory) return { summaries, failed };
  for (const account of await services.accounts.list()) {
    try {
      const members = await services.directory.listTenantMembers(account.tenantId);
      summaries.push(await inTenant(deps, account.tenantId, (work) => applyProvisioningPlan(work, account.accountId, members, SYSTEM_ACTOR, NO_ORIGIN)));
    } catch (error) {
      failed.push({ tenantId: account.tenantId, error: (error as Error)?.message ?? String(error) });
    }
  }
  return { summaries, failed };
}

/**
 * The Chatwoot schedules: trigger reconciliation (a lost webhook is found within one interval)
 * and provisioning from Keycloak. Each starts only when its configuration is present; several
 * instances may run them, as both passes are idempotent.
 */
export function startChatwootJobs(deps: AppDeps): () => void {
  const services = chatwootServices(deps);
  const { config, logger } = deps;
  const stops: Array<() => void> = [];
  if (services.application && triggerLabelFrom(config)) {
    const loop = startBackgroundLoop(
      'chatwoot-reconcile',
      async () => {
        const result = await reconcileTriggers({ ...deps, accounts: services.accounts }, config, services.application!);
        if (result.failed.length) logger.warn({ failed: result.failed }, 'chatwoot reconciliation failed for some tenants');
        return false;
      },
      { idleMs: config.CHATWOOT_RECONCILE_INTERVAL_SECONDS * 1000, logger },
    );
    stops.push(loop.stop);
  }
  if (services.directory && config.CHATWOOT_URL && config.CHATWOOT_PLATFORM_TOKEN) {
    const loop = startBackgroundLoop(
      'chatwoot-provisioning',
      async () => {
        const { summaries, failed } = await provisionAllTenants(deps, services);
        const changed = summaries.filter((s) => s.added.length || s.changed.length || s.removed.length);
        if (changed.length) logger.info({ changed }, 'chatwoot provisioning recorded changes');
        if (failed.length) logger.warn({ failed }, 'chatwoot provisioning failed for some tenants');
        return false;
      },
      { idleMs: config.CHATWOOT_SYNC_INTERVAL_SECONDS * 1000, logger },
    );
    stops.push(loop.stop);
  }
  return () => {
    for (const stop of stops) stop();
  };
}
