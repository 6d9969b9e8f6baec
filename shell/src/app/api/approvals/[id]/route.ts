import { NextResponse } from 'next/server';
import { z } from 'zod';
import { OrchestratorError } from '../../../../lib/orchestrator/client';
import { parseWith, readJson, sessionRoute, uuidParam } from '../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** One approval with its full audit history (oldest first). */
export const GET = sessionRoute<{ id: string }>(async ({ session, params }) => {
  const id = parseWith(uuidParam, params.id, 'approval id');
  const [approval, history] = await Promise.all([session.orchestrator.getApproval(id), session.orchestrator.approvalHistory(id)]);
  return NextResponse.json({ approval, history });
});

const Decision = z
  .object({
    status: z.enum(['approved', 'rejected', 'cancelled']),
    comment: z.string().max(2000).optional(),
    openConsultation: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.status !== 'rejected' || Boolean(body.comment?.trim()), { message: 'a rejection needs a comment', path: ['comment'] })
  .refine((body) => !body.openConsultation || body.status === 'approved', { message: 'only an approval opens a consultation', path: ['openConsultation'] });

/**
 * Decide (the orchestrator enforces who may: ceo/admin, never the requester; one decision,
 * 409 for the second). "Approve and open a consultation" is the decision followed by the
 * consultation; if only the second step fails, the decision stands and the answer says so.
 */
export const PATCH = sessionRoute<{ id: string }>(async ({ request, session, params }) => {
  const id = parseWith(uuidParam, params.id, 'approval id');
  const { openConsultation, comment, status } = await readJson(request, Decision);
  const approval = await session.orchestrator.decideApproval(id, { status, ...(comment?.trim() ? { comment: comment.trim() } : {}) });
  if (!openConsultation) return NextResponse.json({ approval });
  try {
    const consultation = await session.orchestrator.createConsultation({ title: approval.title, approvalId: approval.id });
    return NextResponse.json({ approval, consultation });
  } catch (error) {
    const message = error instanceof OrchestratorError ? error.message : 'the consultation could not be opened';
    return NextResponse.json({ approval, consultation: null, consultationError: message });
  }
});
