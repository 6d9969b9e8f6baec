import { NextResponse, type NextRequest } from 'next/server';
import { applyWritesToCookieHeader, gateSession, type GateResult } from './lib/auth/session-gate';
import type { CookieWrite } from './lib/auth/session-cookie';
import { originOf, sessionSecret, shellConfig } from './lib/config';
import { securityHeaders } from './lib/security/security-headers';

/**
 * Runs before every page and route handler (Node.js runtime):
 * 1. security headers with a per-request CSP nonce (Next.js applies it to its own scripts);
 * 2. a request id, forwarded to the orchestrator by the typed client;
 * 3. the session gate for /app and the shell's API: no session -> sign-in (pages) or 401 (API);
 *    an access token close to expiry is refreshed here, once per session at a time, and the
 *    renewed cookie is written both to the browser and to this request, so the page or handler
 *    behind it already sees the new token.
 */

type Gate = 'page' | 'api' | 'public';

// Public: sign-in and next-auth itself, health, sign-out (works with a dead session), and the
// Chatwoot dashboard app with its bearer-authenticated handlers (owned by the Chatwoot module).
const PUBLIC_API = [/^\/api\/auth(\/|$)/, /^\/api\/health$/, /^\/api\/session\/sign-out$/, /^\/api\/chatwoot-app(\/|$)/];

export function gateFor(pathname: string): Gate {
  if (pathname === '/app' || pathname.startsWith('/app/')) return 'page';
  if (pathname.startsWith('/api/')) return PUBLIC_API.some((pattern) => pattern.test(pathname)) ? 'public' : 'api';
  return 'public';
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function errorJson(status: number, error: string, requestId: string, code: string): NextResponse {
  return NextResponse.json({ error, code, timestamp: new Date().toISOString(), requestId }, { status, headers: { 'cache-control': 'no-store' } });
}

function signInRedirect(request: NextRequest, error: string): NextResponse {
  const target = new URL('/signin', request.nextUrl.origin);
  const callback = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  target.searchParams.set('callbackUrl', callback);
  target.searchParams.set('error', error);
  return NextResponse.redirect(target, 303);
}

function applyCookies(response: NextResponse, writes: readonly CookieWrite[]): void {
  for (const write of writes) response.cookies.set(write.name, write.value, write.options);
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const config = shellConfig();
  const { pathname } = request.nextUrl;
  const incomingId = request.headers.get('x-request-id');
  const requestId = incomingId && SAFE_REQUEST_ID.test(incomingId) ? incomingId : crypto.randomUUID();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const headers = securityHeaders(pathname, {
    nonce,
    chatwootOrigin: originOf(config.chatwootUrl),
    elementOrigin: originOf(config.elementUrl),
    jitsiOrigin: originOf(config.jitsiUrl),
    issuerOrigin: originOf(config.issuer),
    https: config.secureCookies,
    development: process.env.NODE_ENV === 'development',
  });

  const finish = (response: NextResponse) => {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    response.headers.set('x-request-id', requestId);
    return response;
  };

  const gate = gateFor(pathname);
  let writes: CookieWrite[] = [];
  if (gate !== 'public') {
    let result: GateResult;
    try {
      result = await gateSession(request.cookies.getAll(), {
        secret: sessionSecret(),
        secureCookies: config.secureCookies,
        issuer: config.issuer,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
      });
    } catch (error) {
      result = { kind: 'idp-unavailable', message: (error as Error).message };
    }
    if (result.kind === 'signed-out' || result.kind === 'expired') {
      const response =
        gate === 'page'
          ? signInRedirect(request, result.kind === 'expired' ? 'SessionExpired' : 'SessionRequired')
          : errorJson(401, result.kind === 'expired' ? 'your session has ended: sign in again' : 'sign in first', requestId, 'unauthenticated');
      applyCookies(response, result.writes);
      return finish(response);
    }
    if (result.kind === 'idp-unavailable') {
      const response =
        gate === 'page'
          ? signInRedirect(request, 'IdentityUnavailable')
          : errorJson(503, `cannot renew your session: ${result.message}`, requestId, 'service_unavailable');
      return finish(response);
    }
    writes = result.writes;
  }

  const forwarded = new Headers(request.headers);
  forwarded.set('x-request-id', requestId);
  forwarded.set('x-nonce', nonce);
  forwarded.set('content-security-policy', headers['Content-Security-Policy']!);
  if (writes.length) forwarded.set('cookie', applyWritesToCookieHeader(request.headers.get('cookie'), writes));
  const response = NextResponse.next({ request: { headers: forwarded } });
  applyCookies(response, writes);
  return finish(response);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)'],
};
