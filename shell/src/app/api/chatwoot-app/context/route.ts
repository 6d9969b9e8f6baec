import { z } from 'zod';
import { badRequest, forwardToOrchestrator } from '../forward';

export const dynamic = 'force-dynamic';

const Query = z.object({ accountId: z.coerce.number().int().positive(), conversationId: z.coerce.number().int().positive() });

/** The conversation's tenant and escalations (`GET /api/chatwoot/context` on the orchestrator). */
export async function GET(request: Request) {
  const parsed = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(request, 'accountId and conversationId are required positive integers', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const { accountId, conversationId } = parsed.data;
  return forwardToOrchestrator(request, { method: 'GET', path: `/api/chatwoot/context?accountId=${accountId}&conversationId=${conversationId}` });
}
