import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { hasRole } from '@wrrk/keycloak/principal.ts';
import type { AppDeps } from '../app-deps.ts';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppEnv } from '../http/app-env.ts';
import { forbidden } from '../http/app-error.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { getTenantSettings, updateTenantSettings } from './tenant-settings.ts';

const minutes = z.number().int().min(5).max(60 * 24 * 60);
const SlaSchema = z.object({ low: minutes, medium: minutes, high: minutes, urgent: minutes }).openapi('SlaMinutes');

const SettingsSchema = z
  .object({
    tenantId: z.string(),
    displayName: z.string().nullable(),
    slaMinutes: SlaSchema,
    chatwootAccountId: z.number().int().nullable(),
    matrixRoomId: z.string().nullable(),
    integrations: z.object({
      chatwoot: z.object({ configured: z.boolean(), url: z.string().nullable() }),
      matrix: z.object({ configured: z.boolean(), homeserver: z.string().nullable() }),
      jitsi: z.object({ configured: z.boolean(), url: z.string().nullable() }),
    }),
  })
  .openapi('TenantSettings');

const UpdateBody = z
  .object({ displayName: z.string().trim().min(1).max(100).optional(), slaMinutes: SlaSchema.partial().optional() })
  .strict()
  .refine((body) => body.displayName !== undefined || body.slaMinutes !== undefined, 'nothing to change')
  .refine((body) => {
    const sla = body.slaMinutes;
    if (!sla) return true;
    const order = [sla.urgent, sla.high, sla.medium, sla.low].filter((v): v is number => v !== undefined);
    return order.every((v, i) => i === 0 || v >= order[i - 1]!);
  }, 'SLA minutes must not shrink as priority falls (urgent <= high <= medium <= low)')
  .openapi('UpdateTenantSettings');

const tags = ['Settings'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const TenantQuery = z.object({ tenantId: z.string().optional() });

const getRoute = createRoute({
  method: 'get', path: '/', tags, summary: 'The tenant\'s settings and which integrations are connected',
  request: { query: TenantQuery },
  responses: { 200: { description: 'Settings', content: json(SettingsSchema) }, ...errorResponses },
});
const putRoute = createRoute({
  method: 'patch', path: '/', tags, summary: 'Change the tenant\'s display name or SLA (admins)',
  request: { query: TenantQuery, body: { required: true, content: json(UpdateBody) } },
  responses: { 200: { description: 'Updated', content: json(SettingsSchema) }, ...errorResponses },
});

export function tenantSettingsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { config } = deps;
  const integrations = {
    chatwoot: { configured: Boolean(config.CHATWOOT_URL), url: config.CHATWOOT_URL ?? null },
    matrix: { configured: Boolean(config.MATRIX_HOMESERVER_URL), homeserver: config.MATRIX_HOMESERVER_URL ?? null },
    jitsi: { configured: Boolean(config.JITSI_URL), url: config.JITSI_URL ?? null },
  };

  app.openapi(getRoute, async (c) => {
    const settings = await deps.store.tenant(c.var.tenantId, (tx) => getTenantSettings(tx, c.var.tenantId));
    return c.json({ ...settings, integrations }, 200);
  });

  app.openapi(putRoute, async (c) => {
    if (!hasRole(c.var.principal, 'admin')) throw forbidden('changing tenant settings needs the admin role');
    const body = c.req.valid('json');
    const principal = c.var.principal;
    const settings = await inTenant(deps, c.var.tenantId, async (work) => {
      const before = await getTenantSettings(work.tx, work.tenantId);
      const after = await updateTenantSettings(work.tx, work.tenantId, body);
      await appendAuditEntry(work, {
        actor: { id: principal.id, name: principal.name },
        action: 'settings.updated',
        resourceType: 'tenant_settings',
        resourceId: work.tenantId,
        oldValue: { displayName: before.displayName, slaMinutes: before.slaMinutes },
        newValue: { displayName: after.displayName, slaMinutes: after.slaMinutes },
        origin: requestOrigin(c, deps.config.TRUST_PROXY),
      });
      return after;
    });
    return c.json({ ...settings, integrations }, 200);
  });
  return app;
}
