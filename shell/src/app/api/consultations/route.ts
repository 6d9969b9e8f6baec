import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJson, sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

export const GET = sessionRoute(async ({ session }) => NextResponse.json(await session.orchestrator.listConsultations({ limit: 50 })));

const Create = z
  .object({
    title: z.string().trim().min(1, 'a title is required').max(200),
    approvalId: z.uuid().optional(),
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const POST = sessionRoute(async ({ request, session }) => {
  const body = await readJson(request, Create);
  return NextResponse.json(await session.orchestrator.createConsultation(body), { status: 201 });
});
