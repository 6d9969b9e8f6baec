import { randomUUID } from 'node:crypto';
import { NextResponse } from 'next/server';
import { z, type ZodType } from 'zod';
import { shellConfig } from '../config';
import { OrchestratorError } from '../orchestrator/client';
import { readShellSession, type ShellSession } from '../session/shell-session';

/**
 * The shell's own API (what its browser code calls): one wrapper gives every handler the
 * session, a CSRF check on state changes, body validation and errors in the design's shape.
 */

export class ShellApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorBody(message: string, code: string, requestId: string, details?: unknown) {
  return { error: message, code, ...(details === undefined ? {} : { details }), timestamp: new Date().toISOString(), requestId };
}

export function errorResponse(error: unknown, requestId: string): NextResponse {
  if (error instanceof ShellApiError) return NextResponse.json(errorBody(error.message, error.code, requestId, error.details), { status: error.status });
  if (error instanceof OrchestratorError) {
    const headers: Record<string, string> = error.retryAfter ? { 'retry-after': error.retryAfter } : {};
    return NextResponse.json(errorBody(error.message, error.kind, error.requestId, error.details), { status: error.status, headers });
  }
  console.error(`[shell] request ${requestId} failed`, error);
  return NextResponse.json(errorBody('internal error in the shell', 'internal', requestId), { status: 500 });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * ASVS 3.5.1: state changes only from the shell's own pages. Browsers send `Origin` on every
 * cross-origin and on same-origin non-GET fetches, and `Sec-Fetch-Site` on all requests.
 */
export function assertSameOrigin(request: Request, publicUrl: string): void {
  if (!MUTATING.has(request.method)) return;
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') throw new ShellApiError(403, 'forbidden', 'cross-site request refused');
  const origin = request.headers.get('origin');
  const allowed = new Set([new URL(publicUrl).origin, new URL(request.url).origin]);
  if (origin && !allowed.has(origin)) throw new ShellApiError(403, 'forbidden', `cross-origin request from ${origin} refused`);
  if (!origin && !site) throw new ShellApiError(403, 'forbidden', 'state-changing requests must come from the shell (Origin header missing)');
}

export async function readJson<T>(request: Request, schema: ZodType<T>): Promise<T> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ShellApiError(415, 'unsupported_media_type', `expected Content-Type: application/json, got ${type || 'none'}`);
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw new ShellApiError(400, 'bad_request', 'body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ShellApiError(400, 'validation_failed', 'request body is invalid', parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  }
  return parsed.data;
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ShellApiError(400, 'validation_failed', `${what} is invalid`, parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
  return parsed.data;
}

export interface RouteContext<P> {
  request: Request;
  session: ShellSession;
  params: P;
}

export function sessionRoute<P = Record<string, never>>(handler: (ctx: RouteContext<P>) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    let requestId = request.headers.get('x-request-id') ?? randomUUID();
    try {
      assertSameOrigin(request, shellConfig().publicUrl);
      const session = await readShellSession();
      if (!session) throw new ShellApiError(401, 'unauthenticated', 'sign in first');
      requestId = session.requestId;
      return await handler({ request, session, params: await context.params });
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

export const uuidParam = z.uuid();
