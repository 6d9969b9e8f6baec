import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { DataStore } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { syncTenantAccounts, type AccountSyncReport } from './account-sync.ts';
import { createHomeserverClient, type HomeserverClient } from './homeserver-client.ts';
import { roomAliasLocalpart } from './matrix-ids.ts';
import { matrixDirectory } from './matrix-integration.ts';
import { matrixSettings } from './matrix-settings.ts';
import { ensureTenantRoom } from './tenant-room.ts';

/**
 * One-shot Matrix setup for the stack's bootstrap job (not a request, so it may call the
 * homeserver directly): every Keycloak organisation and team gets its room; with
 * MATRIX_ADMIN_TOKEN its people also get their accounts and invitations. Idempotent, so the
 * bootstrap can run it on every start. The orchestrator's schedule keeps it in line afterwards.
 */
export interface MatrixSetupResult {
  tenantId: string;
  roomId: string | null;
  accounts: Omit<AccountSyncReport, 'tenantId' | 'roomId'> | null;
  error: string | null;
}

export async function setUpMatrix(deps: { config: Config; store: DataStore; events: EventBus; logger: Logger; homeserver?: HomeserverClient }): Promise<MatrixSetupResult[]> {
  const settings = matrixSettings(deps.config);
  const directory = matrixDirectory(deps.config);
  if (!settings) {
    deps.logger.info('Matrix is not configured (MATRIX_HOMESERVER_URL): nothing to set up');
    return [];
  }
  if (!directory) throw new Error('setting up Matrix rooms needs the Keycloak directory: set ORCHESTRATOR_CLIENT_SECRET');
  const hs = deps.homeserver ?? createHomeserverClient(settings, { logger: deps.logger });
  const results: MatrixSetupResult[] = [];
  for (const tenant of await directory.listTenants()) {
    if (!roomAliasLocalpart(tenant.id, settings.aliasPrefix)) continue;
    try {
      if (settings.adminToken) {
        const { tenantId: _t, roomId, ...accounts } = await syncTenantAccounts({ ...deps, hs, directory, settings }, tenant.id);
        results.push({ tenantId: tenant.id, roomId, accounts, error: null });
      } else {
        const { roomId } = await ensureTenantRoom(deps, hs, settings, tenant.id);
        results.push({ tenantId: tenant.id, roomId, accounts: null, error: null });
      }
    } catch (error) {
      results.push({ tenantId: tenant.id, roomId: null, accounts: null, error: (error as Error)?.message ?? String(error) });
    }
  }
  return results;
}
