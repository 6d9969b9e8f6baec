import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJson, sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

const minutes = z.number().int().min(5).max(60 * 24 * 60);
const Update = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    slaMinutes: z.object({ low: minutes, medium: minutes, high: minutes, urgent: minutes }).partial().optional(),
  })
  .strict();

/** Admins change the tenant's SLA or display name (the orchestrator checks the role and audits). */
export const PATCH = sessionRoute(async ({ request, session }) => {
  const body = await readJson(request, Update);
  return NextResponse.json(await session.orchestrator.updateTenantSettings(body));
});
