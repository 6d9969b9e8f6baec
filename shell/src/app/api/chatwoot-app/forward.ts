import { randomUUID } from 'node:crypto';
import { NextResponse } from 'next/server';
import { shellConfig } from '../../../lib/config';

/**
 * The dashboard app's server side: it runs inside Chatwoot's iframe, outside the shell's
 * session, and authenticates with its own Keycloak token (client `wrrk-dashboard`, audience
 * `orchestrator`). These handlers pass that bearer token on to the orchestrator, which
 * verifies it and checks tenant membership, so the browser needs no CORS access to the
 * orchestrator. A bearer header is never sent by a browser on its own, so there is no CSRF.
 */

const BEARER = /^Bearer [A-Za-z0-9._~+/=-]{20,4096}$/;

function problem(status: number, error: string, code: string, requestId: string) {
  return NextResponse.json({ error, code, timestamp: new Date().toISOString(), requestId }, { status, headers: { 'cache-control': 'no-store' } });
}

export async function forwardToOrchestrator(request: Request, init: { method: 'GET' | 'POST'; path: string; body?: unknown; tenantId?: string }): Promise<NextResponse> {
  const requestId = request.headers.get('x-request-id') ?? randomUUID();
  const authorization = request.headers.get('authorization') ?? '';
  if (!BEARER.test(authorization)) return problem(401, 'sign in first: the dashboard app sends a Keycloak access token', 'unauthenticated', requestId);
  const config = shellConfig();
  let upstream: Response;
  try {
    upstream = await fetch(`${config.orchestratorUrl}${init.path}`, {
      method: init.method,
      headers: {
        authorization,
        accept: 'application/json',
        'x-request-id': requestId,
        ...(init.tenantId ? { 'x-tenant-id': init.tenantId } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(10_000),
      cache: 'no-store',
    });
  } catch (error) {
    return problem(503, `the orchestrator is not reachable (${(error as Error).message})`, 'service_unavailable', requestId);
  }
  const text = await upstream.text();
  return new NextResponse(text, { status: upstream.status, headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' } });
}

export function badRequest(request: Request, error: string, details?: unknown) {
  const requestId = request.headers.get('x-request-id') ?? randomUUID();
  return NextResponse.json({ error, code: 'validation_failed', ...(details === undefined ? {} : { details }), timestamp: new Date().toISOString(), requestId }, { status: 400 });
}
