import { NextResponse } from 'next/server';
import { chunkedWrites, decodeSession, readChunkedValue, sessionCookieName } from '../../../../lib/auth/session-cookie';
import { discoverEndpoints } from '../../../../lib/auth/oidc-discovery';
import { sessionSecret, shellConfig } from '../../../../lib/config';
import { assertSameOrigin, errorResponse } from '../../../../lib/http/route-helpers';
import { createOrchestratorClient } from '../../../../lib/orchestrator/client';
import { principalFromTokens } from '../../../../lib/session/principal';
import { resolveTenant, TENANT_COOKIE } from '../../../../lib/tenants/tenant-choice';

export const dynamic = 'force-dynamic';

function cookiesOf(request: Request): Array<{ name: string; value: string }> {
  return (request.headers.get('cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      return at === -1 ? { name: pair, value: '' } : { name: pair.slice(0, at), value: pair.slice(at + 1) };
    });
}

/**
 * Sign-out ends both sessions: the shell's cookie is cleared here, and the browser is sent to
 * the identity provider's end-session endpoint with `id_token_hint` (so Keycloak ends its SSO
 * session without asking) and a registered `post_logout_redirect_uri`. A server-side call to
 * that endpoint would not clear Keycloak's own cookies in the browser (egapro #3348).
 */
export async function POST(request: Request): Promise<Response> {
  const requestId = request.headers.get('x-request-id') ?? crypto.randomUUID();
  const config = shellConfig();
  try {
    assertSameOrigin(request, config.publicUrl);
  } catch (error) {
    return errorResponse(error, requestId);
  }
  const cookies = cookiesOf(request);
  const name = sessionCookieName(config.secureCookies);
  const jwt = await decodeSession(readChunkedValue(cookies, name), sessionSecret());
  const tokens = jwt?.tokens ?? null;

  // Record the sign-out in the trail of the tenant the user was working in (best effort).
  if (tokens && tokens.accessTokenExpiresAt > Date.now() / 1000 + 2) {
    const principal = principalFromTokens(tokens);
    if (principal) {
      const tenant = resolveTenant(principal, cookies.find((cookie) => cookie.name === TENANT_COOKIE)?.value ?? null).tenant;
      const client = createOrchestratorClient({ baseUrl: config.orchestratorUrl, accessToken: tokens.accessToken, tenantId: tenant.id, requestId, timeoutMs: 1_500 });
      await client.reportAudit({ action: 'session.signed_out', resourceType: 'session', resourceId: principal.id }).catch(() => {});
    }
  }

  const signedOut = `${config.publicUrl}/signin?signedOut=1`;
  let location = signedOut;
  try {
    const { endSessionEndpoint } = await discoverEndpoints(config.issuer);
    if (endSessionEndpoint) {
      const url = new URL(endSessionEndpoint);
      if (tokens?.idToken) url.searchParams.set('id_token_hint', tokens.idToken);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('post_logout_redirect_uri', signedOut);
      location = url.toString();
    }
  } catch {
    // The provider is unreachable: the shell session still ends; its own may outlive this.
    location = `${signedOut}&error=IdentityUnavailable`;
  }

  const response = NextResponse.redirect(location, 303);
  for (const write of chunkedWrites(null, cookies, name, config.secureCookies, 0)) response.cookies.set(write.name, write.value, write.options);
  response.headers.set('cache-control', 'no-store');
  return response;
}
