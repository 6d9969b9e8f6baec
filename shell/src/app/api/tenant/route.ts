import { NextResponse } from 'next/server';
import { z } from 'zod';
import { shellConfig } from '../../../lib/config';
import { readJson, sessionRoute, ShellApiError } from '../../../lib/http/route-helpers';
import { createOrchestratorClient } from '../../../lib/orchestrator/client';
import { encodeTenantChoice, TENANT_COOKIE, TENANT_COOKIE_MAX_AGE } from '../../../lib/tenants/tenant-choice';

const Body = z.object({ tenantId: z.string().min(1).max(300) }).strict();

/** Switch the current tenant: checked against the session's tenants, remembered per user. */
export const POST = sessionRoute(async ({ request, session }) => {
  const { tenantId } = await readJson(request, Body);
  const tenant = session.tenants.find((candidate) => candidate.id === tenantId);
  if (!tenant) throw new ShellApiError(403, 'forbidden', `you are not a member of ${tenantId}`);
  if (tenant.id !== session.tenant.id) {
    // Best effort: the trail of the tenant being entered records the switch.
    await createOrchestratorClient({ baseUrl: shellConfig().orchestratorUrl, accessToken: session.tokens.accessToken, tenantId: tenant.id, requestId: session.requestId, timeoutMs: 2_000 })
      .reportAudit({ action: 'tenant.switched', resourceType: 'tenant', resourceId: tenant.id, metadata: { from: session.tenant.id } })
      .catch(() => {});
  }
  const response = NextResponse.json({ tenant });
  response.cookies.set(TENANT_COOKIE, encodeTenantChoice(session.principal.id, tenant.id), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: shellConfig().secureCookies,
    maxAge: TENANT_COOKIE_MAX_AGE,
  });
  return response;
});
