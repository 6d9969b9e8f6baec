import { randomUUID } from 'node:crypto';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { Principal, Tenant } from '@wrrk/keycloak/principal.ts';
import { sessionSecret, shellConfig } from '../config';
import { decodeSession, readChunkedValue, sessionCookieName } from '../auth/session-cookie';
import type { SessionTokens } from '../auth/token-set';
import { createOrchestratorClient, type OrchestratorClient } from '../orchestrator/client';
import { resolveTenant, sortTenants, TENANT_COOKIE } from '../tenants/tenant-choice';
import { tenantDirectory } from '../tenants/tenant-directory';
import { principalFromTokens } from './principal';

/**
 * The signed-in user for server components and route handlers: principal, current tenant and
 * an orchestrator client bound to both. The proxy has already renewed the tokens for this
 * request (and rewritten the request's cookies), so nothing here refreshes.
 */
export interface ShellSession {
  principal: Principal;
  tenant: Tenant;
  /** The user's tenants, organizations first. */
  tenants: Tenant[];
  tokens: SessionTokens;
  requestId: string;
  orchestrator: OrchestratorClient;
}

export const REQUEST_ID_HEADER = 'x-request-id';

export const readShellSession = cache(async (): Promise<ShellSession | null> => {
  const config = shellConfig();
  const jar = await cookies();
  const value = readChunkedValue(jar.getAll(), sessionCookieName(config.secureCookies));
  const jwt = await decodeSession(value, sessionSecret());
  if (!jwt?.tokens) return null;
  const tokens = jwt.tokens;
  if (tokens.accessTokenExpiresAt <= Math.floor(Date.now() / 1000)) return null;
  const principal = principalFromTokens(tokens, await tenantDirectory());
  if (!principal) return null;
  const { tenant } = resolveTenant(principal, jar.get(TENANT_COOKIE)?.value);
  const requestId = (await headers()).get(REQUEST_ID_HEADER) ?? randomUUID();
  return {
    principal,
    tenant,
    tenants: sortTenants(principal.tenants),
    tokens,
    requestId,
    orchestrator: createOrchestratorClient({ baseUrl: config.orchestratorUrl, accessToken: tokens.accessToken, tenantId: tenant.id, requestId }),
  };
});

/** For pages: the session, or a trip to the sign-in page (the proxy normally got there first). */
export async function requireShellSession(callbackPath = '/app'): Promise<ShellSession> {
  const session = await readShellSession();
  if (!session) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}&error=SessionRequired`);
  return session;
}
