import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../http/app-error.ts';
import { limitBody } from '../http/body-guards.ts';
import type { AppEnv } from '../http/app-env.ts';
import { zodDetails } from '../http/error-response.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { validationHook } from '../http/validation-hook.ts';
import { recordInboundDelivery } from '../inbox/record-inbound-delivery.ts';
import { deliveryIdOf, EVENT_PATHS, roomNameOf, type EventPath } from './event-sync-payloads.ts';
import { JITSI_SOURCE, type RecordedJitsiEvent } from './jitsi-inbound-handler.ts';

/**
 * Receives prosody's event_sync calls at `/api/webhooks/jitsi/events/{room|occupant}/{action}`
 * (event_sync's `api_prefix` = `<orchestrator>/api/webhooks/jitsi`). Authenticated by the
 * static header event_sync is configured to send (`Authorization: Bearer
 * <JITSI_EVENT_SYNC_TOKEN>`), compared in constant time. A verified event of a wrrk room is
 * recorded (deduplicated: event_sync retries) and answered at once; it is applied afterwards
 * from the record. Events of other rooms and of breakout rooms are acknowledged and dropped.
 */
const Receipt = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean(),
    ignored: z.string().nullable().openapi({ description: 'Why nothing was recorded (unknown room, breakout room), else null' }),
    receiptId: z.string().nullable(),
  })
  .openapi('JitsiEventReceipt');

const route = createRoute({
  method: 'post',
  path: '/api/webhooks/jitsi/events/{kind}/{action}',
  tags: ['Webhooks'],
  summary: 'Jitsi room events (prosody event_sync)',
  description: 'Paths: events/room/created, events/room/destroyed, events/occupant/joined, events/occupant/left. Header `Authorization: Bearer <JITSI_EVENT_SYNC_TOKEN>`.',
  security: [],
  request: { params: z.object({ kind: z.enum(['room', 'occupant']), action: z.enum(['created', 'destroyed', 'joined', 'left']) }) },
  responses: { 200: { description: 'Recorded (or a duplicate, or ignored)', content: { 'application/json': { schema: Receipt } } }, ...errorResponses },
});

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function jitsiEventSyncRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const expected = deps.config.JITSI_EVENT_SYNC_TOKEN;
  // A destroyed room lists every occupant it ever had.
  app.use('/api/webhooks/jitsi/*', limitBody(4 * 1024 * 1024));

  app.openapi(route, async (c) => {
    if (!expected) {
      throw new AppError('service_unavailable', 'Jitsi room events are not connected: set JITSI_EVENT_SYNC_TOKEN (and the same token in event_sync\'s api_headers)', { details: { missing: ['JITSI_EVENT_SYNC_TOKEN'] } });
    }
    const given = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(expected))) {
      throw new AppError('unauthenticated', 'missing or wrong event_sync token (Authorization: Bearer <JITSI_EVENT_SYNC_TOKEN>)', { headers: { 'WWW-Authenticate': 'Bearer realm="jitsi-event-sync"' } });
    }
    const { kind, action } = c.req.valid('param');
    const schema = EVENT_PATHS[`${kind}/${action}` as EventPath];
    if (!schema) throw new AppError('not_found', `event_sync has no events/${kind}/${action}`);

    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new AppError('bad_request', 'body is not JSON');
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new AppError('validation_failed', `invalid ${kind} ${action} event`, { details: zodDetails(parsed.error) });
    const event = parsed.data;

    if (event.is_breakout) return c.json({ received: true as const, duplicate: false, ignored: 'breakout room', receiptId: null }, 200);
    const roomName = roomNameOf(event);
    const consultation = await deps.store.system((tx) => tx.selectFrom('consultations').select(['id', 'tenant_id']).where('room_name', '=', roomName).executeTakeFirst());
    if (!consultation) return c.json({ received: true as const, duplicate: false, ignored: 'not a wrrk consultation room', receiptId: null }, 200);

    const payload: RecordedJitsiEvent = { consultationId: consultation.id, event };
    const { id, duplicate } = await recordInboundDelivery(deps.store, { tenantId: consultation.tenant_id, source: JITSI_SOURCE, deliveryId: deliveryIdOf(event), eventType: event.event_name, payload });
    if (!duplicate) deps.nudgeInbox();
    return c.json({ received: true as const, duplicate, ignored: null, receiptId: id }, 200);
  });
  return app;
}
