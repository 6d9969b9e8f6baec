import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../http/app-env.ts';
import type { EventBus, TenantEvent } from './event-bus.ts';
import { validationHook } from '../http/validation-hook.ts';

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Events'],
  summary: 'Live events of a tenant (Server-Sent Events)',
  description:
    'Streams `approval.created`, `approval.updated`, `audit.appended` and `consultation.updated`. A comment heartbeat keeps proxies from closing the stream. Reconnect with `Last-Event-ID` to receive what was missed; an `resync` event means the gap is too old and the client should refetch.',
  request: { query: z.object({ tenantId: z.string().optional() }) },
  responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } } },
});

export function eventsRoutes(bus: EventBus, heartbeatSeconds: number) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route, (c) => {
    const tenantId = c.var.tenantId;
    const lastEventId = c.req.header('last-event-id');
    return streamSSE(c, async (stream) => {
      const queue: TenantEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = bus.subscribe(tenantId, (event) => {
        queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      const send = (event: TenantEvent) => stream.writeSSE({ id: event.id, event: event.type, data: JSON.stringify({ type: event.type, tenantId: event.tenantId, data: event.data, at: event.at }) });

      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ tenantId }), retry: 3000 });
      if (lastEventId) {
        const missed = bus.since(tenantId, lastEventId);
        if (missed === null) await stream.writeSSE({ event: 'resync', data: JSON.stringify({ reason: 'last event id no longer buffered' }) });
        else {
          // An event that landed between subscribing and this replay is both buffered and
          // queued: drop the queued copy so the client receives it once.
          const replayed = new Set(missed.map((event) => event.id));
          queue.splice(0, queue.length, ...queue.filter((event) => !replayed.has(event.id)));
          for (const event of missed) await send(event);
        }
      }
      const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n').catch(() => {}), heartbeatSeconds * 1000);
      try {
        while (!stream.aborted && !stream.closed) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          while (queue.length > 0) await send(queue.shift()!);
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });
  return app;
}
