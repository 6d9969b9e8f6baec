import { NextResponse } from 'next/server';
import { parseWith, sessionRoute, uuidParam } from '../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

export const GET = sessionRoute<{ id: string }>(async ({ session, params }) =>
  NextResponse.json(await session.orchestrator.getConsultation(parseWith(uuidParam, params.id, 'consultation id'))),
);
