/**
 * The development provider's own HTTP routes (everything oidc-provider does not serve):
 * the login page at Keycloak's `login-actions` path, the userinfo endpoint, Keycloak's realm
 * info and third-party-cookie check pages, the admin REST API subset, and health checks.
 */
import { createHash, createPublicKey, randomUUID, timingSafeEqual } from 'node:crypto';

import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type Provider from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';

import type { RealmModel, UserModel } from '../realm/realm-model.ts';
import { originAllowed } from '../realm/redirect-uris.ts';
import { adminApi } from './admin-api.ts';
import { BearerTokenError, bearerToken, verifyAccessToken } from './bearer-token.ts';
import type { DevKeyStore } from './key-store.ts';
import { errorPage, indexPage, loginPage, type DemoUserHint } from './pages.ts';
import { mapClaims } from './token-claims.ts';

export interface HttpAppInput {
  realm: RealmModel;
  issuer: string;
  keys: DevKeyStore;
  /** The current oidc-provider instance (replaced when the signing key rotates). */
  provider: () => Provider;
  demoUsers: DemoUserHint[];
  log: (message: string) => void;
}

type Env = { Bindings: HttpBindings };

/** Keycloak's message for a wrong username or password (it does not say which). */
export const INVALID_CREDENTIALS = 'Invalid username or password.';
export const ACCOUNT_DISABLED = 'Account is disabled, contact your administrator.';

export function createHttpApp(input: HttpAppInput): Hono<Env> {
  const { realm, issuer, keys, log } = input;
  const realmPath = new URL(issuer).pathname;
  const app = new Hono<Env>({ strict: false });

  app.get('/', (c) => c.html(indexPage({ issuer, demoUsers: input.demoUsers })));
  for (const path of ['/health', '/health/live', '/health/ready', '/health/started']) {
    app.get(path, (c) => c.json({ status: 'UP', checks: [] }));
  }

  // Keycloak's public realm info (some adapters read the public key from here).
  app.get(realmPath, (c) =>
    c.json({
      realm: realm.name,
      public_key: createPublicKey({ key: keys.publicJwks().keys[0]!, format: 'jwk' }).export({ type: 'spki', format: 'der' }).toString('base64'),
      'token-service': `${issuer}/protocol/openid-connect`,
      'account-service': `${issuer}/account`,
      'tokens-not-before': 0,
    }),
  );

  // keycloak-js checks third-party cookies before it starts its session-status iframe. This
  // provider has no such iframe, so the check answers "unsupported" and keycloak-js skips it.
  app.get(`${realmPath}/protocol/openid-connect/3p-cookies/:step`, (c) =>
    c.html('<!DOCTYPE html><html><body><script>window.parent.postMessage("unsupported", "*");</script></body></html>'),
  );

  const loginPath = `${realmPath}/login-actions/authenticate/:uid`;
  app.get(loginPath, async (c) => {
    c.header('Cache-Control', 'no-store');
    const details = await interaction(c);
    if (details instanceof Response) return details;
    const params = details.params as Record<string, string | undefined>;
    const client = realm.clients.get(params['client_id'] ?? '');
    return c.html(
      loginPage({
        realmDisplayName: realm.displayName,
        action: new URL(c.req.url).pathname,
        clientName: client?.name ?? params['client_id'] ?? '',
        username: params['login_hint'],
        demoUsers: input.demoUsers,
      }),
    );
  });

  app.post(loginPath, async (c) => {
    c.header('Cache-Control', 'no-store');
    const details = await interaction(c);
    if (details instanceof Response) return details;
    const form = await c.req.parseBody();
    const username = typeof form['username'] === 'string' ? form['username'] : '';
    const password = typeof form['password'] === 'string' ? form['password'] : '';
    const params = details.params as Record<string, string | undefined>;
    const client = realm.clients.get(params['client_id'] ?? '');
    const retry = (error: string): Response =>
      c.html(
        loginPage({
          realmDisplayName: realm.displayName,
          action: new URL(c.req.url).pathname,
          clientName: client?.name ?? params['client_id'] ?? '',
          username,
          error,
          demoUsers: input.demoUsers,
        }),
      );

    const user = realm.userByLogin(username);
    if (!user || !passwordMatches(user, password)) {
      log(`dev OIDC provider: failed sign-in for "${username}" (${user ? 'wrong password' : 'unknown user'})`);
      return retry(INVALID_CREDENTIALS);
    }
    if (!user.enabled) return retry(ACCOUNT_DISABLED);

    const returnTo = await input
      .provider()
      .interactionResult(c.env.incoming, c.env.outgoing, { login: { accountId: user.id, acr: '1', amr: ['pwd'], remember: true } }, { mergeWithLastSubmission: false });
    return c.redirect(returnTo, 303);
  });

  /** The pending interaction, or an error page when its cookie is missing or it expired. */
  async function interaction(c: Context<Env>): Promise<Awaited<ReturnType<Provider['interactionDetails']>> | Response> {
    try {
      const details = await input.provider().interactionDetails(c.env.incoming, c.env.outgoing);
      if (details.uid !== c.req.param('uid')) {
        return c.html(errorPage('This login page belongs to another sign-in attempt. Go back to the application and sign in again.'), 400);
      }
      if (details.prompt.name !== 'login') {
        // Consent is granted by loadExistingGrant; any other prompt means a request this
        // provider does not implement.
        return c.html(errorPage(`The development provider cannot complete the "${details.prompt.name}" step.`), 400);
      }
      return details;
    } catch (error) {
      if (error instanceof oidcErrors.SessionNotFound) {
        return c.html(errorPage('Your login attempt timed out. Login will start from the beginning.', 'Go back to the application and sign in again.'), 400);
      }
      throw error;
    }
  }

  // Userinfo, as Keycloak serves it: any access token of the realm with the `openid` scope
  // whose browser session is still alive. (oidc-provider's own userinfo only accepts opaque
  // tokens, while Keycloak's access tokens are JWTs for the API audiences.)
  const userinfoPath = `${realmPath}/protocol/openid-connect/userinfo`;
  app.on(['GET', 'POST', 'OPTIONS'], userinfoPath, async (c) => {
    const origin = c.req.header('origin');
    const allowOrigin = (clientId: string | undefined): void => {
      const client = clientId ? realm.clients.get(clientId) : undefined;
      if (origin && client && originAllowed(origin, client.webOrigins)) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Credentials', 'true');
        c.header('Vary', 'Origin');
      }
    };
    if (c.req.method === 'OPTIONS') {
      // Preflight: the token is not sent yet, so allow any origin a realm client allows.
      if (origin && [...realm.clients.values()].some((client) => originAllowed(origin, client.webOrigins))) {
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Access-Control-Allow-Methods', 'GET, POST');
        c.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        c.header('Access-Control-Max-Age', '3600');
        c.header('Vary', 'Origin');
      }
      return c.body(null, 204);
    }
    const unauthorized = (error: string, description: string): Response => {
      c.header('WWW-Authenticate', `Bearer realm="${realm.name}", error="${error}", error_description="${description.replace(/"/g, "'")}"`);
      return c.json({ error, error_description: description }, 401);
    };
    try {
      let token = bearerToken(c.req.header('authorization'));
      if (!token && c.req.method === 'POST') {
        const form = await c.req.parseBody();
        if (typeof form['access_token'] === 'string') token = form['access_token'];
      }
      if (!token) return unauthorized('invalid_request', 'Token not provided');
      const payload = await verifyAccessToken(token, { issuer, keys });
      allowOrigin(typeof payload['azp'] === 'string' ? payload['azp'] : undefined);
      const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
      if (!scopes.includes('openid')) return c.json({ error: 'insufficient_scope', error_description: 'Missing openid scope' }, 403);
      if (typeof payload['sid'] === 'string' && !(await input.provider().Session.findByUid(payload['sid']))) {
        return unauthorized('invalid_token', "User session not found or doesn't have client attached on it");
      }
      const user = realm.user(payload.sub!);
      const client = realm.clients.get(typeof payload['azp'] === 'string' ? payload['azp'] : '');
      if (!user?.enabled || !client) return unauthorized('invalid_token', 'User not found or disabled');
      return c.json({ ...mapClaims({ realm, user, client, sessionNotes: {}, acr: '1' }, 'userinfo'), sub: user.id });
    } catch (error) {
      if (error instanceof BearerTokenError) return unauthorized(error.code, error.message);
      throw error;
    }
  });

  app.route('/', adminApi({ realm, issuer, keys }));

  app.notFound((c) => c.json({ error: `Not found: ${c.req.method} ${new URL(c.req.url).pathname}`, timestamp: new Date().toISOString(), requestId: randomUUID() }, 404));
  app.onError((error, c) => {
    log(`dev OIDC provider error: ${error.stack ?? String(error)}`);
    return c.json({ error: 'Internal error in the development OpenID provider', timestamp: new Date().toISOString(), requestId: randomUUID() }, 500);
  });

  return app;
}

/** Compares digests so the time taken does not depend on how much of the password matched. */
function passwordMatches(user: UserModel, password: string): boolean {
  if (user.serviceAccountClientId || user.password === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(password), digest(user.password));
}
