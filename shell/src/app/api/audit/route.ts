import { NextResponse } from 'next/server';
import { parseAuditFilter, toAuditQuery } from '../../../lib/audit/audit-filter';
import { sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** A page of the tenant's trail, newest first (`?cursor=` from `nextCursor`). */
export const GET = sessionRoute(async ({ request, session }) => {
  const params = new URL(request.url).searchParams;
  const cursor = Number(params.get('cursor'));
  const page = await session.orchestrator.listAudit({ ...toAuditQuery(parseAuditFilter(params)), ...(cursor > 0 ? { cursor } : {}), limit: 50 });
  return NextResponse.json(page);
});
