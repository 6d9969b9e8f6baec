import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { hasRole } from '@wrrk/keycloak/principal.ts';
import type { AppDeps } from '../app-deps.ts';
import { inTenant } from '../db/tenant-work.ts';
import { AppError, forbidden } from '../http/app-error.ts';
import type { AppEnv } from '../http/app-env.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { requestAccountSync } from './account-sync-requests.ts';
import { roomAliasLocalpart } from './matrix-ids.ts';
import { matrixNotConfigured, matrixSettings } from './matrix-settings.ts';

const SyncAccepted = z
  .object({
    tenantId: z.string(),
    outboxId: z.uuid().openapi({ description: 'Follow it at GET /api/outbox?target=matrix' }),
    status: z.enum(['pending', 'delivered', 'dead']),
    duplicate: z.boolean().openapi({ description: 'A sync of this tenant was already waiting; this request joined it' }),
  })
  .openapi('MatrixSyncRequest');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['Matrix'],
  summary: 'Synchronise the tenant\'s Matrix accounts and room now (admins)',
  description:
    'Queues the downward sync that also runs on a schedule: Keycloak members of the tenant get Matrix accounts (Synapse Admin API, linked to their Keycloak subject for SSO) and an invitation to the tenant room; people who left are removed from the room and deactivated when they belong to no tenant. Each change is audited.',
  request: { query: z.object({ tenantId: z.string().optional() }) },
  responses: { 202: { description: 'Queued', content: { 'application/json': { schema: SyncAccepted } } }, ...errorResponses },
});

export function matrixSyncRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const settings = matrixSettings(deps.config);
  app.openapi(route, async (c) => {
    if (!hasRole(c.var.principal, 'admin')) throw forbidden('synchronising Matrix accounts is for admins');
    if (!settings) throw matrixNotConfigured();
    if (!settings.adminToken) {
      throw new AppError('service_unavailable', 'Matrix provisioning is not connected: set MATRIX_ADMIN_TOKEN (a Synapse server-admin access token)', { details: { missing: ['MATRIX_ADMIN_TOKEN'] } });
    }
    const tenantId = c.var.tenantId;
    if (!roomAliasLocalpart(tenantId, settings.aliasPrefix)) {
      throw new AppError('bad_request', 'only organisations and teams have Matrix rooms; this is a personal tenant', { details: { tenantId } });
    }
    const request = await inTenant(deps, tenantId, (work) => requestAccountSync(work, { actor: c.var.principal, origin: requestOrigin(c, deps.config.TRUST_PROXY) }));
    return c.json(request, 202);
  });
  return app;
}
