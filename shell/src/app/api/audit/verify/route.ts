import { NextResponse } from 'next/server';
import { sessionRoute } from '../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** Recomputes the tenant's hash chain (the orchestrator does the work). */
export const GET = sessionRoute(async ({ session }) => NextResponse.json(await session.orchestrator.verifyAudit()));
