import { NextResponse } from 'next/server';
import { parseWith, sessionRoute, uuidParam } from '../../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

export const POST = sessionRoute<{ id: string }>(async ({ session, params }) =>
  NextResponse.json(await session.orchestrator.startConsultation(parseWith(uuidParam, params.id, 'consultation id'))),
);
