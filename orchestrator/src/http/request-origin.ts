import type { Context } from 'hono';
import type { RequestOrigin } from '../audit/audit-entry.ts';
import { clientAddress } from '../rate-limit/rate-limits.ts';
import type { AppEnv } from './app-env.ts';

/** The request facts copied onto audit entries. */
export function requestOrigin(c: Context<AppEnv>, trustProxy: boolean): RequestOrigin {
  return {
    requestId: c.var.requestId,
    ipAddress: clientAddress(c, trustProxy),
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
  };
}
