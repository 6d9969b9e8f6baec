import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { hasRole } from '@wrrk/keycloak/principal.ts';
import type { AppDeps } from '../app-deps.ts';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppEnv } from '../http/app-env.ts';
import { conflict, forbidden, notFound } from '../http/app-error.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { retryOutboxRow, listOutbox, OutboxEntrySchema } from './outbox-admin.ts';

const tags = ['Outbox'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const listRoute = createRoute({
  method: 'get', path: '/', tags, summary: 'Outbound deliveries of the tenant (admins)',
  description: 'Filter by status to see what is waiting (`pending`) or parked after its retries ran out (`dead`).',
  request: {
    query: z.object({
      tenantId: z.string().optional(),
      status: z.enum(['pending', 'delivered', 'dead']).optional(),
      target: z.string().max(50).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: { 200: { description: 'Rows, newest first', content: json(z.object({ items: z.array(OutboxEntrySchema) })) }, ...errorResponses },
});
const retryRoute = createRoute({
  method: 'post', path: '/{id}/retry', tags, summary: 'Send a dead row again (admins)',
  request: { query: z.object({ tenantId: z.string().optional() }), params: z.object({ id: z.uuid() }) },
  responses: { 200: { description: 'Queued again', content: json(OutboxEntrySchema) }, ...errorResponses },
});

export function outboxRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', async (c, next) => {
    if (!hasRole(c.var.principal, 'admin')) throw forbidden('the outbox is for admins');
    await next();
  });

  app.openapi(listRoute, async (c) => {
    const { tenantId: _tenant, ...filter } = c.req.valid('query');
    const items = await deps.store.tenant(c.var.tenantId, (tx) => listOutbox(tx, c.var.tenantId, filter));
    return c.json({ items }, 200);
  });

  app.openapi(retryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const principal = c.var.principal;
    const entry = await inTenant(deps, c.var.tenantId, async (work) => {
      const result = await retryOutboxRow(work.tx, c.var.tenantId, id);
      if (result === 'not_found') throw notFound('outbox row');
      if (result === 'not_dead') throw conflict('only dead rows can be retried');
      await appendAuditEntry(work, {
        actor: { id: principal.id, name: principal.name },
        action: 'outbox.retried',
        resourceType: 'outbox',
        resourceId: id,
        oldValue: { status: 'dead', lastError: result.lastError },
        newValue: { status: 'pending' },
        metadata: { target: result.target, operation: result.operation },
        origin: requestOrigin(c, deps.config.TRUST_PROXY),
      });
      return result;
    });
    return c.json(entry, 200);
  });
  return app;
}
