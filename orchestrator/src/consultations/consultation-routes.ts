import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppEnv } from '../http/app-env.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { requireJitsi } from '../jitsi/jitsi-settings.ts';
import { mintMeetingToken } from '../jitsi/meeting-token.ts';
import { assertMayJoin } from './consultation-rules.ts';
import { ConsultationSchema, CreateConsultationBody, EmptyBody, ListConsultationsQuery, MeetingTokenSchema } from './consultation-schemas.ts';
import { createConsultation, endConsultation, getConsultation, startConsultation } from './consultation-service.ts';
import { listConsultations } from './list-consultations.ts';

const tags = ['Consultations'];
const TenantQuery = z.object({ tenantId: z.string().optional() });
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const noInput = { query: TenantQuery, params: IdParam, body: { required: false, content: json(EmptyBody) } };

const createRouteDef = createRoute({
  method: 'post', path: '/', tags, summary: 'Open a consultation (a Jitsi room)',
  description: 'The caller is the host (moderator in the meeting). The room name is random. Announced in the tenant\'s Matrix room with a join link. 503 while Jitsi is not configured (JITSI_URL).',
  request: { query: TenantQuery, body: { required: true, content: json(CreateConsultationBody) } },
  responses: { 201: { description: 'Created (scheduled)', content: json(ConsultationSchema) }, ...errorResponses },
});
const listRouteDef = createRoute({
  method: 'get', path: '/', tags, summary: 'The tenant\'s consultations, newest first',
  request: { query: ListConsultationsQuery },
  responses: { 200: { description: 'A page', content: json(z.object({ items: z.array(ConsultationSchema), nextCursor: z.string().nullable() })) }, ...errorResponses },
});
const getRouteDef = createRoute({
  method: 'get', path: '/{id}', tags, summary: 'One consultation, with who attended',
  request: { query: TenantQuery, params: IdParam },
  responses: { 200: { description: 'The consultation', content: json(ConsultationSchema) }, ...errorResponses },
});
const startRouteDef = createRoute({
  method: 'post', path: '/{id}/start', tags, summary: 'Mark as started (scheduled -> active)',
  description: 'Normally Jitsi reports this itself (event_sync); for manual use. Host, manager, CEO or admin. 409 unless scheduled.',
  request: noInput,
  responses: { 200: { description: 'Started', content: json(ConsultationSchema) }, ...errorResponses },
});
const endRouteDef = createRoute({
  method: 'post', path: '/{id}/end', tags, summary: 'Mark as ended',
  description: 'Normally Jitsi reports this when the room is destroyed; for manual use. Host, manager, CEO or admin. 409 when already ended. Ended is final.',
  request: noInput,
  responses: { 200: { description: 'Ended', content: json(ConsultationSchema) }, ...errorResponses },
});
const tokenRouteDef = createRoute({
  method: 'post', path: '/{id}/token', tags, summary: 'A meeting token for the caller (Jitsi JWT)',
  description: 'Short-lived (JITSI_TOKEN_TTL_SECONDS) HS256 token for this room only; the host is moderator. 409 once the consultation has ended; 503 while Jitsi is not configured.',
  request: noInput,
  responses: { 200: { description: 'Token and where to use it', content: json(MeetingTokenSchema) }, ...errorResponses },
});

export function consultationRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const context = (c: Parameters<typeof requestOrigin>[0]) => ({ planners: deps.planners, origin: requestOrigin(c, deps.config.TRUST_PROXY), shellUrl: deps.config.SHELL_URL });

  app.openapi(createRouteDef, async (c) => {
    requireJitsi(deps.config);
    const body = c.req.valid('json');
    const consultation = await inTenant(deps, c.var.tenantId, (work) => createConsultation({ work, ...context(c) }, c.var.principal, body));
    return c.json(consultation, 201);
  });

  app.openapi(listRouteDef, async (c) => {
    const { tenantId: _tenant, ...filter } = c.req.valid('query');
    return c.json(await deps.store.tenant(c.var.tenantId, (tx) => listConsultations(tx, c.var.tenantId, filter)), 200);
  });

  app.openapi(getRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await deps.store.tenant(c.var.tenantId, (tx) => getConsultation(tx, c.var.tenantId, id)), 200);
  });

  app.openapi(startRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await inTenant(deps, c.var.tenantId, (work) => startConsultation({ work, ...context(c) }, c.var.principal, id)), 200);
  });

  app.openapi(endRouteDef, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await inTenant(deps, c.var.tenantId, (work) => endConsultation({ work, ...context(c) }, c.var.principal, id)), 200);
  });

  app.openapi(tokenRouteDef, async (c) => {
    const settings = requireJitsi(deps.config);
    const { id } = c.req.valid('param');
    const consultation = await deps.store.tenant(c.var.tenantId, (tx) => getConsultation(tx, c.var.tenantId, id));
    assertMayJoin(consultation.status);
    const { principal } = c.var;
    const token = await mintMeetingToken(settings, {
      roomName: consultation.roomName,
      user: { id: principal.id, name: principal.name, email: principal.email },
      moderator: principal.id === consultation.hostId,
    });
    c.var.logger.info({ consultationId: id, userId: principal.id, moderator: principal.id === consultation.hostId }, 'meeting token issued');
    return c.json(token, 200);
  });

  return app;
}
