import { sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/**
 * The tenant's live events, relayed from the orchestrator's SSE stream. The browser holds only
 * its session cookie; the access token is added here. `Last-Event-ID` is passed on, so an
 * EventSource that reconnects gets what it missed. `no-transform` keeps compression (and its
 * buffering) off the stream.
 */
export const GET = sessionRoute(async ({ request, session }) => {
  // EventSource resends Last-Event-ID on its own reconnects; a fresh EventSource passes it as ?lastEventId=.
  const lastEventId = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId') ?? undefined;
  const upstream = await session.orchestrator.events(request.signal, lastEventId?.slice(0, 200));
  return new Response(upstream.body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-tenant-id': encodeURIComponent(session.tenant.id),
    },
  });
});
