import { NextResponse } from 'next/server';
import { z } from 'zod';
import { loadQueue } from '../../../lib/approvals/load-queue';
import { parseQueueFilter } from '../../../lib/approvals/queue-rules';
import { readJson, sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** The queue (`?status=&priority=&cursor=`), or the caller's own escalations (`?mine=1`). */
export const GET = sessionRoute(async ({ request, session }) => {
  const params = new URL(request.url).searchParams;
  if (params.get('mine') === '1') {
    const page = await session.orchestrator.listApprovals({ requestedBy: session.principal.id, sort: 'newest', limit: 20 });
    return NextResponse.json(page);
  }
  const cursor = params.get('cursor') ?? undefined;
  return NextResponse.json(await loadQueue(session.orchestrator, parseQueueFilter(params), cursor));
});

const Source = z
  .object({
    system: z.enum(['chatwoot', 'matrix', 'shell']),
    accountId: z.number().int().positive().optional(),
    conversationId: z.number().int().positive().optional(),
    inboxId: z.number().int().positive().optional(),
    url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  })
  .strict();

const Escalation = z
  .object({
    title: z.string().trim().min(1, 'a title is required').max(200),
    description: z.string().trim().max(10_000).default(''),
    priority: z.enum(['low', 'medium', 'high', 'urgent']),
    source: Source.optional(),
  })
  .strict();

/** Escalate to the CEO. The orchestrator takes the requester from the token. */
export const POST = sessionRoute(async ({ request, session }) => {
  const body = await readJson(request, Escalation);
  const approval = await session.orchestrator.createApproval({ ...body, metadata: { escalatedFrom: 'shell' } });
  return NextResponse.json(approval, { status: 201 });
});
