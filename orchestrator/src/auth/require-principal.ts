import type { MiddlewareHandler } from 'hono';
import { isTenantMember } from '@wrrk/keycloak/principal.ts';
import { AppError } from '../http/app-error.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { TokenVerifier } from './token-verifier.ts';

/** 401 without a valid bearer token; sets `c.var.principal`. */
export function requirePrincipal(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header?.match(/^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i);
    if (!match) {
      throw new AppError('unauthenticated', 'missing bearer token', { headers: { 'WWW-Authenticate': 'Bearer realm="wrrk"' } });
    }
    c.set('principal', await verifier.verify(match[1]!));
    await next();
  };
}

/**
 * Every tenant-scoped request names its tenant (`tenantId` query or `X-Tenant-Id` header);
 * the principal must be a member. The database enforces the same boundary again (RLS).
 */
export function requireTenant(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const fromQuery = c.req.query('tenantId');
    const fromHeader = c.req.header('x-tenant-id');
    if (fromQuery && fromHeader && fromQuery !== fromHeader) {
      throw new AppError('bad_request', 'tenantId query and X-Tenant-Id header disagree', { details: { query: fromQuery, header: fromHeader } });
    }
    const tenantId = fromQuery ?? fromHeader;
    if (!tenantId) {
      throw new AppError('validation_failed', 'tenant required: pass ?tenantId= or the X-Tenant-Id header', { details: [{ path: 'tenantId', message: 'Required' }] });
    }
    if (!isTenantMember(c.var.principal, tenantId)) {
      throw new AppError('forbidden', `not a member of tenant ${tenantId}`);
    }
    c.set('tenantId', tenantId);
    await next();
  };
}
