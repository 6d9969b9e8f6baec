import { randomUUID } from 'node:crypto';
import type { AuthOptions } from 'next-auth';
import KeycloakProvider from 'next-auth/providers/keycloak';
import { sessionSecret, shellConfig } from '../config';
import { SESSION_MAX_AGE_SECONDS, type ShellJwt } from './session-cookie';
import { createOrchestratorClient } from '../orchestrator/client';
import { principalFromTokens } from '../session/principal';
import { defaultTenant } from '../tenants/tenant-choice';
import { tokensFromResponse } from './token-set';

/**
 * next-auth v4 against Keycloak (or the development provider, which has Keycloak's URL layout):
 * authorization code flow with PKCE and state (the Keycloak provider's checks), the ID token
 * validated by openid-client. next-auth only signs the user in; renewing tokens happens in the
 * proxy (src/proxy.ts) and signing out in /api/session/sign-out (RP-initiated logout).
 */
export function authOptions(): AuthOptions {
  const config = shellConfig();
  return {
    secret: sessionSecret(),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    providers: [
      KeycloakProvider({
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        issuer: config.issuer,
        authorization: { params: { scope: 'openid profile email' } },
        httpOptions: { timeout: 10_000 },
      }),
    ],
    pages: { signIn: '/signin', error: '/signin', signOut: '/signin' },
    events: {
      // The trail of the user's default workspace records the sign-in (best effort, not awaited
      // by the user: the orchestrator being slow must not hold up signing in).
      signIn({ account }) {
        const tokens = account?.access_token ? { accessToken: account.access_token, accessTokenExpiresAt: 0, refreshToken: null, refreshTokenExpiresAt: null, idToken: null } : null;
        const principal = tokens ? principalFromTokens(tokens) : null;
        if (!tokens || !principal) return;
        const client = createOrchestratorClient({ baseUrl: config.orchestratorUrl, accessToken: tokens.accessToken, tenantId: defaultTenant(principal).id, requestId: randomUUID(), timeoutMs: 3_000 });
        void client.reportAudit({ action: 'session.signed_in', resourceType: 'session', resourceId: principal.id }).catch(() => {});
      },
    },
    callbacks: {
      jwt({ token, account }): ShellJwt {
        if (account?.access_token) {
          const now = Math.floor(Date.now() / 1000);
          const tokens = tokensFromResponse(
            {
              access_token: account.access_token,
              expires_in: typeof account.expires_at === 'number' ? account.expires_at - now : undefined,
              refresh_token: account.refresh_token,
              refresh_expires_in: typeof account['refresh_expires_in'] === 'number' ? (account['refresh_expires_in'] as number) : undefined,
              id_token: account.id_token,
            },
            null,
            now,
          );
          return { sub: token.sub, name: token.name, email: token.email, tokens };
        }
        return token as ShellJwt;
      },
      // What /api/auth/session would hand to browser code: who, never a token.
      session({ session }) {
        return { expires: session.expires, user: { name: session.user?.name ?? null, email: session.user?.email ?? null } };
      },
      redirect({ url, baseUrl }) {
        if (url.startsWith('/') && !url.startsWith('//')) return `${baseUrl}${url}`;
        try {
          if (new URL(url).origin === baseUrl) return url;
        } catch {
          // not a URL: fall through to the default landing page
        }
        return `${baseUrl}/app`;
      },
    },
  };
}
