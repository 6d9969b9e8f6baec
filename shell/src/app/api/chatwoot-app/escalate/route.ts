import { z } from 'zod';
import { badRequest, forwardToOrchestrator } from '../forward';

export const dynamic = 'force-dynamic';

const Body = z
  .object({
    tenantId: z.string().min(1).max(200),
    accountId: z.number().int().positive(),
    conversationId: z.number().int().positive(),
    inboxId: z.number().int().positive().nullish(),
    url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    title: z.string().trim().min(1, 'a title is required').max(200),
    description: z.string().trim().max(10_000).default(''),
    priority: z.enum(['low', 'medium', 'high', 'urgent']),
  })
  .strict();

/** Escalate the conversation to the CEO (`POST /api/approvals` with the Chatwoot source). */
export async function POST(request: Request) {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return badRequest(request, 'the body must be JSON');
  }
  const parsed = Body.safeParse(raw);
  if (!parsed.success) return badRequest(request, 'invalid escalation', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const { tenantId, accountId, conversationId, inboxId, url, ...approval } = parsed.data;
  return forwardToOrchestrator(request, {
    method: 'POST',
    path: `/api/approvals?tenantId=${encodeURIComponent(tenantId)}`,
    tenantId,
    body: { ...approval, source: { system: 'chatwoot', accountId, conversationId, ...(inboxId ? { inboxId } : {}), ...(url ? { url } : {}) }, metadata: { escalatedFrom: 'chatwoot-dashboard-app' } },
  });
}
