import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { hasRole } from '@wrrk/keycloak/principal.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../http/app-env.ts';
import { forbidden } from '../http/app-error.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { appendAuditEntry } from './append-audit-entry.ts';
import { csvHeader, csvRow, ndjsonRow } from './audit-export-format.ts';
import { AuditEntrySchema, AuditExportQuery, AuditListQuery, ChainVerificationSchema, ReportAuditBody } from './audit-schemas.ts';
import { iterateAuditEntries, listAuditEntries, listResourceHistory } from './query-audit-entries.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

const tags = ['Audit'];
const TenantQuery = z.object({ tenantId: z.string().optional() });

const reportRoute = createRoute({
  method: 'post', path: '/', tags, summary: 'Record an action the shell observed',
  description: 'Only known action names are accepted; the actor is the token\'s subject.',
  request: { query: TenantQuery, body: { required: true, content: { 'application/json': { schema: ReportAuditBody } } } },
  responses: { 201: { description: 'Appended', content: { 'application/json': { schema: AuditEntrySchema } } }, ...errorResponses },
});
const listRoute = createRoute({
  method: 'get', path: '/', tags, summary: 'The tenant\'s audit trail, newest first',
  request: { query: AuditListQuery },
  responses: { 200: { description: 'A page of entries', content: { 'application/json': { schema: z.object({ items: z.array(AuditEntrySchema), nextCursor: z.number().int().nullable() }) } } }, ...errorResponses },
});
const resourceRoute = createRoute({
  method: 'get', path: '/resource/{type}/{id}', tags, summary: 'Full history of one resource, oldest first',
  request: { query: TenantQuery, params: z.object({ type: z.string().min(1).max(64), id: z.string().min(1).max(200) }) },
  responses: { 200: { description: 'Entries', content: { 'application/json': { schema: z.object({ items: z.array(AuditEntrySchema) }) } } }, ...errorResponses },
});
const verifyRoute = createRoute({
  method: 'get', path: '/verify', tags, summary: 'Recompute the tenant\'s hash chain',
  request: { query: TenantQuery },
  responses: { 200: { description: 'Verification result', content: { 'application/json': { schema: ChainVerificationSchema } } }, ...errorResponses },
});
const exportRoute = createRoute({
  method: 'get', path: '/export', tags, summary: 'Stream the trail as NDJSON or CSV',
  request: { query: AuditExportQuery },
  responses: { 200: { description: 'The export', content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } } }, ...errorResponses },
});

// The full trail is for those who oversee the tenant; anyone may see a single resource's history.
const canReadTrail = (c: { var: AppEnv['Variables'] }) => hasRole(c.var.principal, 'manager', 'ceo', 'admin') || c.var.principal.tenants.find((t) => t.id === c.var.tenantId)?.kind === 'personal';

export function auditRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.openapi(reportRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = c.var.principal;
    const entry = await inTenant(deps, c.var.tenantId, (work) =>
      appendAuditEntry(work, {
        actor: { id: principal.id, name: principal.name },
        action: body.action,
        resourceType: body.resourceType,
        resourceId: body.resourceId,
        metadata: { ...body.metadata, reportedBy: 'shell' },
        origin: requestOrigin(c, deps.config.TRUST_PROXY),
      }),
    );
    return c.json(entry, 201);
  });

  app.openapi(listRoute, async (c) => {
    if (!canReadTrail(c)) throw forbidden('reading the audit trail needs the manager, ceo or admin role');
    const query = c.req.valid('query');
    const page = await deps.store.tenant(c.var.tenantId, (tx) => listAuditEntries(tx, c.var.tenantId, query));
    return c.json(page, 200);
  });

  app.openapi(resourceRoute, async (c) => {
    const { type, id } = c.req.valid('param');
    const items = await deps.store.tenant(c.var.tenantId, (tx) => listResourceHistory(tx, c.var.tenantId, type, id));
    return c.json({ items }, 200);
  });

  app.openapi(verifyRoute, async (c) => {
    const result = await deps.store.tenant(c.var.tenantId, (tx) => verifyAuditChain(tx, c.var.tenantId));
    return c.json(result, 200);
  });

  app.openapi(exportRoute, async (c) => {
    if (!canReadTrail(c)) throw forbidden('exporting the audit trail needs the manager, ceo or admin role');
    const { format, ...filter } = c.req.valid('query');
    const tenantId = c.var.tenantId;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    c.header('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    c.header('Content-Disposition', `attachment; filename="audit-${tenantId.replace(/[^A-Za-z0-9-]+/g, '_')}-${stamp}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
    // Fail before the first byte while the database is away: a 200 would promise an export.
    await deps.store.ping();
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const out = writable.getWriter();
    const encoder = new TextEncoder();
    const write = (text: string) => out.write(encoder.encode(text)); // waits for the client to read (backpressure)
    // Paging by seq over an append-only table: rows added mid-export only ever extend it.
    void deps.store
      .tenant(tenantId, async (tx) => {
        if (format === 'csv') await write(csvHeader());
        for await (const entry of iterateAuditEntries(tx, tenantId, filter)) await write(format === 'csv' ? csvRow(entry) : ndjsonRow(entry));
      })
      .then(
        () => out.close(),
        // Break the transfer instead of ending it: a cleanly ended partial file would look complete.
        (error: unknown) => {
          c.var.logger.warn({ err: error }, 'audit export stopped before its end');
          return out.abort(error);
        },
      )
      .catch(() => {}); // the client went away first
    return c.body(readable, 200);
  });

  return app;
}
