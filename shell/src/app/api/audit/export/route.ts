import { parseAuditFilter, toAuditQuery } from '../../../../lib/audit/audit-filter';
import { sessionRoute } from '../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** The trail as a download (`?format=csv|ndjson` plus the timeline's filters), streamed through. */
export const GET = sessionRoute(async ({ request, session }) => {
  const params = new URL(request.url).searchParams;
  const format = params.get('format') === 'csv' ? 'csv' : 'ndjson';
  const filter = toAuditQuery(parseAuditFilter(params));
  const upstream = await session.orchestrator.exportAudit(format, filter, request.signal);
  // The export itself is worth a line in the trail (who took a copy, of what).
  void session.orchestrator
    .reportAudit({ action: 'audit.exported', resourceType: 'audit', resourceId: session.tenant.id, metadata: { format, filter } })
    .catch(() => {});
  const fallbackName = `audit-${session.tenant.id.replace(/[^A-Za-z0-9-]+/g, '_')}.${format}`;
  return new Response(upstream.body, {
    headers: {
      'content-type': upstream.headers.get('content-type') ?? (format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson'),
      'content-disposition': upstream.headers.get('content-disposition') ?? `attachment; filename="${fallbackName}"`,
      'cache-control': 'no-store, no-transform',
    },
  });
});
