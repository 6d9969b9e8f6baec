/**
 * Configures oidc-provider (certified OpenID Provider) to behave like Keycloak 26 for the realm
 * file: Keycloak's endpoint paths, clients and redirect rules from the realm, Keycloak-shaped
 * RS256 JWT access tokens, refresh-token rotation, client credentials for service accounts,
 * RP-initiated logout without a confirmation page when `id_token_hint` is given, and no
 * consent screen (the realm's clients are first-party, `consentRequired: false`).
 *
 * Everything Keycloak-specific that oidc-provider cannot be configured for is done through its
 * documented extension points (`extraTokenClaims`, `formats.customizers.jwt`,
 * `loadExistingGrant`, the Client/Session prototypes as in its redirect-uri recipes).
 */
import { randomUUID } from 'node:crypto';

import Provider, { errors, type Configuration, type KoaContextWithOIDC, type ClientMetadata, type AccessToken, type ClientCredentials } from 'oidc-provider';

import { OPTIONAL_CLIENT_SCOPES, DEFAULT_CLIENT_SCOPES } from '../realm/keycloak-builtins.ts';
import type { ClientModel, RealmModel, UserModel } from '../realm/realm-model.ts';
import { originAllowed, redirectUriAllowed } from '../realm/redirect-uris.ts';
import type { DevKeyStore } from './key-store.ts';
import { errorPage, loggedOutPage, logoutAutoSubmitPage, logoutConfirmPage } from './pages.ts';
import type { DevStateStore } from './state-store.ts';
import { keycloakTokenScope, mapClaims, possibleClaimNames, type ClaimSubject } from './token-claims.ts';

/**
 * The one resource indicator every access token is issued for. It makes oidc-provider issue
 * JWT access tokens (Keycloak's format) instead of opaque ones; the real audiences come from
 * the realm's mappers.
 */
export const ACCESS_TOKEN_RESOURCE = 'urn:wrrk:dev-oidc:access-token';

/** Keycloak's endpoint paths below the issuer `{base}/realms/{realm}`. */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  userinfo: '/protocol/openid-connect/userinfo',
  jwks: '/protocol/openid-connect/certs',
  end_session: '/protocol/openid-connect/logout',
  introspection: '/protocol/openid-connect/token/introspect',
  revocation: '/protocol/openid-connect/revoke',
  pushed_authorization_request: '/protocol/openid-connect/ext/par/request',
} as const;

/** Scope names a client may request: OIDC's plus Keycloak's built-in client scopes. */
const KNOWN_SCOPES = ['openid', ...DEFAULT_CLIENT_SCOPES.map((scope) => scope.name), ...OPTIONAL_CLIENT_SCOPES.map((scope) => scope.name)];

/** Keycloak's wording on its error page for the errors people run into most. */
const KEYCLOAK_ERROR_MESSAGES: Record<string, string> = {
  invalid_redirect_uri: 'Invalid parameter: redirect_uri',
  invalid_client: 'Client not found.',
  unauthorized_client: 'Client not allowed to initiate browser login.',
};

export interface OidcProviderInput {
  realm: RealmModel;
  issuer: string;
  keys: DevKeyStore;
  store: DevStateStore;
  log: (message: string) => void;
}

export function createOidcProvider({ realm, issuer, keys, store, log }: OidcProviderInput): Provider {
  const realmPath = new URL(issuer).pathname;
  const realmClient = (clientId: string): ClientModel => {
    const client = realm.clients.get(clientId);
    if (!client) throw new Error(`client ${clientId} is not in the realm`);
    return client;
  };
  const accessTokenLifespan = (clientId: string): number =>
    realm.clients.get(clientId)?.accessTokenLifespan ?? realm.settings.accessTokenLifespan;
  /** Keycloak: a refresh token lives until the session is idle too long or reaches its maximum age. */
  const refreshTokenLifespan = (authTime: number | undefined): number => {
    const elapsed = authTime ? Math.floor(Date.now() / 1000) - authTime : 0;
    return Math.max(1, Math.min(realm.settings.ssoSessionIdleTimeout, realm.settings.ssoSessionMaxLifespan - elapsed));
  };

  const claimNames = [...new Set([...possibleClaimNames(realm), 'typ', 'azp', 'jti', 'acr', 'auth_time'])];

  const configuration: Configuration = {
    adapter: store.adapterFactory(),
    clients: [...realm.clients.values()].filter((client) => client.enabled).map(clientMetadata),
    jwks: { keys: keys.signingKeys as never },
    cookies: {
      keys: keys.cookieKeys,
      names: { session: 'WRRK_DEV_OIDC_SESSION', interaction: 'WRRK_DEV_OIDC_INTERACTION', resume: 'WRRK_DEV_OIDC_RESUME' },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: KEYCLOAK_ROUTES,
    scopes: KNOWN_SCOPES,
    // Keycloak puts its default-scope claims (profile, email) and the mapped claims in every
    // ID token, whatever scope was asked for: list them all under `openid` and let the mapper
    // engine decide what goes where.
    claims: { openid: claimNames, acr: null, auth_time: null, sid: null, iss: null },
    conformIdTokenClaims: false,
    extraParams: {
      // Keycloak refuses scope values that are not client scopes of the realm. (Registered as
      // an extra parameter because that is where oidc-provider lets a deployment validate the
      // authorization request and answer with an error redirect.)
      scope(_ctx, value) {
        const scopes = (value ?? '').split(' ').filter(Boolean);
        const unknown = scopes.filter((scope) => !KNOWN_SCOPES.includes(scope));
        if (unknown.length > 0) throw new errors.InvalidScope(`Invalid scopes: ${value}`, unknown[0]!);
        if (scopes.includes('microprofile-jwt')) {
          // In Keycloak this scope writes realm roles into `groups`, replacing the tenant paths.
          throw new errors.InvalidScope('microprofile-jwt would replace the groups claim (tenants) with realm roles; do not request it', 'microprofile-jwt');
        }
      },
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    clockTolerance: 5,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client) => client.clientAuthMethod !== 'none' },
      // A client may revoke only its own tokens (Keycloak answers others with an error too).
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = ctx.oidc.params?.['id_token_hint']
            ? logoutAutoSubmitPage(form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>'))
            : logoutConfirmPage(form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>'));
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => ACCESS_TOKEN_RESOURCE,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, resource, client) {
          if (resource !== ACCESS_TOKEN_RESOURCE) {
            throw new errors.InvalidTarget('the development provider issues access tokens for one resource only; do not send a "resource" parameter');
          }
          return {
            scope: KNOWN_SCOPES.join(' '),
            audience: client.clientId,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenLifespan(client.clientId),
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: {
      customizers: {
        // Keycloak's access tokens: header typ "JWT" (not RFC 9068's "at+jwt"), the audiences,
        // subject and scope the mappers computed, and no `client_id` outside service accounts.
        jwt(_ctx, token, parts) {
          parts.header = { typ: 'JWT' };
          const extra = (token.extra ?? {}) as Record<string, unknown>;
          const payload = parts.payload as Record<string, unknown>;
          for (const claim of ['aud', 'sub', 'scope'] as const) {
            if (extra[claim] !== undefined) payload[claim] = extra[claim];
          }
          if (extra['client_id'] === undefined) delete payload['client_id'];
        },
      },
    },
    async extraTokenClaims(ctx, token) {
      return accessTokenClaims(ctx, token);
    },
    async findAccount(ctx, sub) {
      const user = realm.user(sub);
      if (!user?.enabled) return undefined;
      return {
        accountId: user.id,
        async claims(use) {
          const client = ctx.oidc.client ? realm.clients.get(ctx.oidc.client.clientId) : undefined;
          if (!client) return { sub: user.id };
          const subject: ClaimSubject = { realm, user, client, sessionNotes: {}, acr: '1' };
          if (use === 'id_token') {
            return { ...mapClaims(subject, 'id'), sub: user.id, typ: 'ID', azp: client.clientId, jti: randomUUID() };
          }
          return { ...mapClaims(subject, 'userinfo'), sub: user.id };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.['consent']?.grantId ?? session.grantIdFor(client.clientId);
      let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (!grant || grant.accountId !== session.accountId) {
        grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      }
      // Keycloak asks no consent from first-party clients: grant what the request asks for.
      const requested = [...ctx.oidc.requestParamScopes].filter((scope) => KNOWN_SCOPES.includes(scope));
      const oidcScopes = [...ctx.oidc.requestParamOIDCScopes];
      if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes);
      if (ctx.oidc.requestParamClaims.size > 0) grant.addOIDCClaims(ctx.oidc.requestParamClaims);
      grant.addResourceScope(ACCESS_TOKEN_RESOURCE, requested.length > 0 ? requested : ['openid']);
      await grant.save();
      return grant;
    },
    // Keycloak issues a refresh token whenever the client has `use.refresh.tokens`, without
    // asking for offline access, and (with revokeRefreshToken) a new one on every refresh.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    rotateRefreshToken: true,
    pkce: {
      required(_ctx, client) {
        return client.clientAuthMethod === 'none' || realm.clients.get(client.clientId)?.pkceMethod !== undefined;
      },
    },
    clientBasedCORS(_ctx, origin, client) {
      const model = realm.clients.get(client.clientId);
      return model ? originAllowed(origin, model.webOrigins) : false;
    },
    interactions: {
      url: async (_ctx, interaction) => `${realmPath}/login-actions/authenticate/${interaction.uid}`,
    },
    ttl: {
      AccessToken: (_ctx, token) => accessTokenLifespan(token.clientId ?? ''),
      ClientCredentials: (_ctx, token) => accessTokenLifespan(token.clientId ?? ''),
      IdToken: (ctx) => accessTokenLifespan(ctx?.oidc.client?.clientId ?? ''),
      AuthorizationCode: realm.settings.accessCodeLifespan,
      RefreshToken: (_ctx, token) => refreshTokenLifespan(token.authTime),
      Session: realm.settings.ssoSessionMaxLifespan,
      Grant: realm.settings.ssoSessionMaxLifespan,
      Interaction: realm.settings.accessCodeLifespanLogin,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      ctx.body = errorPage(KEYCLOAK_ERROR_MESSAGES[out.error ?? ''] ?? out.error_description ?? out.error ?? 'Unexpected error', out.error_description);
      if (!(error instanceof errors.OIDCProviderError)) log(`dev OIDC provider error: ${error.stack ?? String(error)}`);
    },
  };

  const provider = new Provider(issuer, configuration);
  // Behind a TLS-terminating proxy (DEV_OIDC_ISSUER_BASE=https://…) cookies must still be
  // marked secure and addresses read from X-Forwarded-*, as with Keycloak's proxy headers.
  provider.proxy = true;

  // Keycloak's redirect rules (a trailing `*` is a prefix match) instead of exact matching.
  provider.Client.prototype.redirectUriAllowed = function redirectAllowed(this: { clientId: string }, uri: string) {
    return redirectUriAllowed(uri, realmClient(this.clientId).redirectUris);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutAllowed(this: { clientId: string }, uri: string) {
    return redirectUriAllowed(uri, realmClient(this.clientId).postLogoutRedirectUris);
  };
  // Keycloak puts the session id (`sid`) in every token, the same value for every client of
  // one browser session; oidc-provider would only add a per-client one for back-channel logout.
  provider.Client.prototype.includeSid = () => true;
  provider.Session.prototype.ensureClientContainer = function ensureClientContainer(this: InstanceType<Provider['Session']>, clientId: string) {
    if (!this.sidFor(clientId)) this.sidFor(clientId, this.uid);
  };

  provider.use(keycloakTokenResponse(refreshTokenLifespan));
  provider.on('server_error', (_ctx, error) => log(`dev OIDC provider error: ${error.stack ?? String(error)}`));

  return provider;

  function accessTokenClaims(ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials): Record<string, unknown> {
    const client = realm.clients.get(token.clientId ?? '');
    if (!client) return {};
    if (token.kind === 'ClientCredentials') {
      const serviceAccount = realm.serviceAccountOf(client.clientId);
      if (!serviceAccount) return {};
      const subject: ClaimSubject = {
        realm,
        user: serviceAccount,
        client,
        sessionNotes: { client_id: client.clientId, clientHost: ctx.ip, clientAddress: ctx.ip },
        acr: '1',
      };
      return {
        ...mapClaims(subject, 'access'),
        typ: 'Bearer',
        azp: client.clientId,
        scope: keycloakTokenScope((token.scope ?? '').split(' ')),
        sub: serviceAccount.id,
      };
    }
    const accessToken = token as AccessToken;
    const user: UserModel | undefined = accessToken.accountId ? realm.user(accessToken.accountId) : undefined;
    if (!user) return {};
    const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
    const subject: ClaimSubject = {
      realm,
      user,
      client,
      sessionNotes: { AUTH_TIME: source?.authTime },
      acr: source?.acr ?? '1',
    };
    return {
      ...mapClaims(subject, 'access'),
      typ: 'Bearer',
      azp: client.clientId,
      ...(accessToken.sid ? { sid: accessToken.sid } : {}),
      scope: keycloakTokenScope((source?.scope ?? accessToken.scope ?? '').split(' ')),
    };
  }
}

function clientMetadata(client: ClientModel): ClientMetadata {
  const grantTypes = [
    ...(client.standardFlowEnabled ? ['authorization_code'] : []),
    ...(client.standardFlowEnabled && client.useRefreshTokens ? ['refresh_token'] : []),
    ...(client.serviceAccountsEnabled && !client.publicClient ? ['client_credentials'] : []),
  ];
  return {
    client_id: client.clientId,
    client_name: client.name ?? client.clientId,
    ...(client.publicClient
      ? { token_endpoint_auth_method: 'none' }
      : { client_secret: client.secret ?? randomUUID(), token_endpoint_auth_method: 'client_secret_basic' }),
    grant_types: grantTypes,
    response_types: client.standardFlowEnabled ? ['code'] : [],
    redirect_uris: client.standardFlowEnabled ? client.redirectUris : [],
    post_logout_redirect_uris: client.standardFlowEnabled ? client.postLogoutRedirectUris : [],
    id_token_signed_response_alg: 'RS256',
    ...(client.backchannelLogoutUrl
      ? { backchannel_logout_uri: client.backchannelLogoutUrl, backchannel_logout_session_required: true }
      : {}),
  };
}

/** Keycloak's answer when a client uses a grant it is not enabled for (RFC 6749 `unauthorized_client`). */
const GRANT_NOT_ALLOWED: Record<string, string> = {
  client_credentials: 'Client not enabled to retrieve service account',
  password: 'Client not allowed for direct access grants',
  authorization_code: 'Client not allowed to exchange code',
  refresh_token: 'Client not allowed to refresh tokens',
};

/**
 * Makes token endpoint answers look like Keycloak's: the extra fields of a successful response
 * (`refresh_expires_in`, `not-before-policy`, `session_state`, Keycloak-style `scope`), and
 * `unauthorized_client` for a grant the client is not enabled for (oidc-provider says
 * `invalid_request`, or `unsupported_grant_type` for the password grant it does not implement).
 */
function keycloakTokenResponse(refreshTokenLifespan: (authTime: number | undefined) => number) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.oidc?.route !== 'token' || !ctx.body || typeof ctx.body !== 'object') return;
    const body = ctx.body as Record<string, unknown>;
    if (ctx.status === 400) {
      const grantType = String((ctx.oidc.body as Record<string, unknown> | undefined)?.['grant_type'] ?? '');
      const notAllowed = body['error_description'] === 'requested grant type is not allowed for this client' || (body['error'] === 'unsupported_grant_type' && grantType === 'password');
      if (notAllowed && GRANT_NOT_ALLOWED[grantType]) {
        body['error'] = 'unauthorized_client';
        body['error_description'] = GRANT_NOT_ALLOWED[grantType];
      }
      return;
    }
    if (ctx.status !== 200) return;
    if (typeof body['access_token'] !== 'string') return;
    const claims = decodePayload(body['access_token']);
    if (typeof claims['scope'] === 'string') body['scope'] = claims['scope'];
    body['refresh_expires_in'] = typeof body['refresh_token'] === 'string' ? refreshTokenLifespan(claims['auth_time'] as number | undefined) : 0;
    body['not-before-policy'] = 0;
    if (typeof claims['sid'] === 'string') body['session_state'] = claims['sid'];
  };
}

function decodePayload(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
