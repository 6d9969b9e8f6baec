import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppEnv } from '../http/app-env.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { ApprovalSchema, CreateApprovalBody, DecideApprovalBody, ListApprovalsQuery } from './approval-schemas.ts';
import { createApproval, decideApproval, getApproval } from './approval-service.ts';
import { listApprovals } from './list-approvals.ts';

const tags = ['Approvals'];
const TenantQuery = z.object({ tenantId: z.string().optional() });
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const createRouteDef = createRoute({
  method: 'post', path: '/', tags, summary: 'Escalate: ask the CEO for a decision',
  description: 'The requester is the token\'s subject. The due time follows the tenant\'s SLA for the priority. A conversation can have one pending escalation at a time (409 names the existing one).',
  request: { query: TenantQuery, body: { required: true, content: json(CreateApprovalBody) } },
  responses: { 201: { description: 'Created', content: json(ApprovalSchema) }, ...errorResponses },
});
const listRouteDef = createRoute({
  method: 'get', path: '/', tags, summary: 'List the tenant\'s approvals',
  request: { query: ListApprovalsQuery },
  responses: { 200: { description: 'A page', content: json(z.object({ items: z.array(ApprovalSchema), nextCursor: z.string().nullable() })) }, ...errorResponses },
});
const getRouteDef = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One approval',
  request: { query: TenantQuery, params: IdParam },
  responses: { 200: { description: 'The approval', content: json(ApprovalSchema) }, ...errorResponses },
});
const decideRouteDef = createRoute({
  method: 'patch', path: '/{id}', tags, summary: 'Approve, reject (with a comment) or cancel',
  description: 'Approve/reject: ceo or admin, never the requester. Cancel: the requester. Only pending approvals change; a concurrent second decision gets 409.',
  request: { query: TenantQuery, params: IdParam, body: { required: true, content: json(DecideApprovalBody) } },
  responses: { 200: { description: 'Decided', content: json(ApprovalSchema) }, ...errorResponses },
});

export function approvalRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const context = (c: Parameters<typeof requestOrigin>[0]) => ({ planners: deps.planners, origin: requestOrigin(c, deps.config.TRUST_PROXY) });

  app.openapi(createRouteDef, async (c) => {
    const body = c.req.valid('json');
    const approval = await inTenant(deps, c.var.tenantId, (work) => createApproval({ work, ...context(c) }, c.var.principal, body));
    return c.json(approval, 201);
  });

  app.openapi(listRouteDef, async (c) => {
    const { tenantId: _tenant, ...filter } = c.req.valid('query');
    const page = await deps.store.tenant(c.var.tenantId, (tx) => listApprovals(tx, c.var.tenantId, filter));
    return c.json(page, 200);
  });

  app.openapi(getRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await deps.store.tenant(c.var.tenantId, (tx) => getApproval(tx, c.var.tenantId, id)), 200);
  });

  app.openapi(decideRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const approval = await inTenant(deps, c.var.tenantId, (work) => decideApproval({ work, ...context(c) }, c.var.principal, id, body));
    return c.json(approval, 200);
  });

  return app;
}
