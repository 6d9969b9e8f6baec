import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../app-deps.ts';
import type { AppEnv } from '../http/app-env.ts';
import { validationHook } from '../http/validation-hook.ts';
import { checkHomeserverToken } from './appservice-auth.ts';
import { createRoomTenantLookup, recordMatrixEvents } from './matrix-event-intake.ts';
import { matrixNotConfigured, matrixSettings } from './matrix-settings.ts';

/**
 * The application-service API (Matrix spec, "Application Service API"): the homeserver pushes
 * transactions to `PUT /_matrix/app/v1/transactions/{txnId}` (and the legacy
 * `/transactions/{txnId}`), authenticated by the registration's `hs_token`. Replays of a
 * transaction id carry the same events; their event ids are already recorded, so the answer is
 * the same 200 and nothing happens twice. Errors use the Matrix `errcode` format (plus this
 * API's usual fields). `POST /api/webhooks/matrix` takes the same events from other senders.
 */

// Up to 100 PDUs + 100 EDUs + 100 to-device messages of at most 64 KiB each (Synapse's limits).
const TRANSACTION_LIMIT_BYTES = 24 * 1024 * 1024;

const MatrixErrorSchema = z.object({ errcode: z.string(), error: z.string(), timestamp: z.string(), requestId: z.string() }).openapi('MatrixError');
const IntakeSchema = z.object({ received: z.number().int(), recorded: z.number().int(), duplicates: z.number().int(), ignored: z.number().int() }).openapi('MatrixIntake');
const EventsBody = z.object({ events: z.array(z.unknown()) }).passthrough();
const matrixErrors = {
  400: { description: 'Not JSON, or no `events` array', content: { 'application/json': { schema: MatrixErrorSchema } } },
  401: { description: 'No homeserver token', content: { 'application/json': { schema: MatrixErrorSchema } } },
  403: { description: 'Wrong homeserver token (M_FORBIDDEN)', content: { 'application/json': { schema: MatrixErrorSchema } } },
  503: { description: 'Matrix is not configured', content: { 'application/json': { schema: MatrixErrorSchema } } },
} as const;

function matrixError(c: Context<AppEnv>, status: ContentfulStatusCode, errcode: string, error: string) {
  return c.json({ errcode, error, timestamp: new Date().toISOString(), requestId: c.var.requestId }, status);
}

const transactionRoute = (path: string, legacy: boolean) =>
  createRoute({
    method: 'put',
    path,
    tags: ['Matrix'],
    summary: legacy ? 'Application-service transaction (legacy path)' : 'Application-service transaction from the homeserver',
    description: 'Authenticated by `Authorization: Bearer <hs_token>` or `?access_token=<hs_token>`. Idempotent per transaction id: chat commands are recorded by event id, then processed.',
    security: [],
    request: { params: z.object({ txnId: z.string().min(1).max(255) }), query: z.object({ access_token: z.string().optional() }) },
    responses: { 200: { description: 'Accepted (or already accepted)', content: { 'application/json': { schema: z.object({}) } } }, ...matrixErrors },
  });

const webhookRoute = createRoute({
  method: 'post',
  path: '/api/webhooks/matrix',
  tags: ['Webhooks'],
  summary: 'Matrix events (same as an application-service transaction)',
  description: 'Body: `{ "events": [ClientEvent, …] }` or a single ClientEvent; `Authorization: Bearer <MATRIX_HS_TOKEN>`. Deduplicated by event id.',
  security: [],
  responses: { 200: { description: 'What was kept', content: { 'application/json': { schema: IntakeSchema } } }, ...matrixErrors },
});

export function appserviceRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const settings = matrixSettings(deps.config);
  const lookup = createRoomTenantLookup(deps.store);

  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!settings) {
      const problem = matrixNotConfigured();
      return matrixError(c, 503, 'M_UNKNOWN', problem.message);
    }
    const auth = checkHomeserverToken(c.req.header('authorization'), c.req.query('access_token'), settings.hsToken);
    if (!auth.ok) return matrixError(c, auth.status, auth.errcode, auth.error);
    await next();
  };
  const limit = bodyLimit({ maxSize: TRANSACTION_LIMIT_BYTES, onError: (c) => matrixError(c as Context<AppEnv>, 413, 'M_TOO_LARGE', `transaction exceeds ${TRANSACTION_LIMIT_BYTES} bytes`) });

  async function readEvents(c: Context<AppEnv>, allowSingle: boolean): Promise<unknown[] | Response> {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return matrixError(c, 400, 'M_NOT_JSON', 'body is not JSON');
    }
    const parsed = EventsBody.safeParse(body);
    if (parsed.success) return parsed.data.events;
    if (allowSingle && body && typeof body === 'object' && 'event_id' in body) return [body];
    return matrixError(c, 400, 'M_BAD_JSON', 'expected { "events": [...] }');
  }

  for (const [path, legacy] of [['/_matrix/app/v1/transactions/{txnId}', false], ['/transactions/{txnId}', true]] as const) {
    const honoPath = path.replace('{txnId}', ':txnId');
    app.use(honoPath, authenticate, limit);
    app.openapi(transactionRoute(path, legacy), async (c) => {
      const events = await readEvents(c, false);
      if (events instanceof Response) return events as never;
      const result = await recordMatrixEvents(deps.store, lookup, settings!.botUserId, events);
      if (result.recorded > 0) deps.nudgeInbox();
      c.var.logger.debug({ txnId: c.req.valid('param').txnId, ...result }, 'matrix transaction');
      return c.json({}, 200);
    });
  }

  app.use('/api/webhooks/matrix', async (c, next) => {
    if (!settings) throw matrixNotConfigured();
    await next();
  }, authenticate, limit);
  app.openapi(webhookRoute, async (c) => {
    const events = await readEvents(c, true);
    if (events instanceof Response) return events as never;
    const result = await recordMatrixEvents(deps.store, lookup, settings!.botUserId, events);
    if (result.recorded > 0) deps.nudgeInbox();
    return c.json(result, 200);
  });

  // Queries: wrrk creates nothing on demand (rooms come from the tenant sync).
  for (const path of ['/_matrix/app/v1/users/:userId', '/users/:userId', '/_matrix/app/v1/rooms/:alias', '/rooms/:alias']) {
    app.get(path, authenticate, (c) => matrixError(c, 404, 'M_NOT_FOUND', 'wrrk does not provide users or rooms on demand'));
  }
  app.post('/_matrix/app/v1/ping', authenticate, (c) => c.json({}, 200));
  app.all('/_matrix/app/*', authenticate, (c) => {
    const known = /^\/_matrix\/app\/v1\/(transactions\/[^/]+|users\/[^/]+|rooms\/[^/]+|ping)$/.test(c.req.path);
    return known ? matrixError(c, 405, 'M_UNRECOGNIZED', `${c.req.method} is not supported here`) : matrixError(c, 404, 'M_UNRECOGNIZED', `unknown endpoint ${c.req.path}`);
  });
  return app;
}
