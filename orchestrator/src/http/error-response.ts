import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { AppError } from './app-error.ts';

export interface ErrorBody {
  error: string;
  code: string;
  details?: unknown;
  timestamp: string;
  requestId: string;
}

export function zodDetails(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

// PostgreSQL is unreachable or restarting: the client should retry, nothing was acknowledged.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Valid JSON that PostgreSQL cannot store: NUL in text (22021) or jsonb (22P05), an unpaired
 * surrogate escape in jsonb (22P02 on type json: our own JSON.stringify output is otherwise
 * always valid). It is what the client sent: 400, not 500.
 */
export function isUnstorableText(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '22021' || code === '22P05' || (code === '22P02' && /type json/i.test(String(message)));
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'payload_too_large' : error.status === 401 ? 'unauthenticated' : error.status < 500 ? 'bad_request' : 'internal';
    return new AppError(code, error.message || 'request failed', { cause: error });
  }
  if (isUnstorableText(error)) {
    return new AppError('bad_request', 'text contains a character that cannot be stored (NUL \\u0000 or an unpaired surrogate)', { cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('service_unavailable', 'database unavailable, retry shortly', { headers: { 'Retry-After': '2' }, cause: error });
  }
  return new AppError('internal', 'internal error', { cause: error });
}

export function errorResponse(c: Context, error: AppError): Response {
  const body: ErrorBody = {
    error: error.message,
    code: error.code,
    ...(error.details === undefined ? {} : { details: error.details }),
    timestamp: new Date().toISOString(),
    requestId: (c.get('requestId' as never) as string | undefined) ?? 'unknown',
  };
  return c.json(body, error.status, error.headers);
}
