/**
 * Test helpers that obtain real tokens the way applications do, over HTTP, from the
 * development provider or a real Keycloak (same login form ids and field names):
 *
 *   const tokens = await loginWithPassword({
 *     issuer: idp.issuer, clientId: 'shell', clientSecret: 'wrrk-dev-shell-secret',
 *     redirectUri: 'http://localhost:3000/api/auth/callback/keycloak',
 *     username: 'alice.agent', password: 'demo',
 *   });
 *   const service = await clientCredentialsToken({ issuer: idp.issuer, clientId: 'orchestrator', clientSecret: '…' });
 *
 * `loginWithPassword` runs the authorization code flow with PKCE (S256), state and nonce: it
 * follows the redirects, fills and posts the login form, stops at the redirect to
 * `redirectUri`, checks `state`, and exchanges the code at the token endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';

import { BrowserSession, textOf, type Page } from './browser-session.ts';

export { BrowserSession } from './browser-session.ts';

export interface TokenSet {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Seconds until the refresh token expires (Keycloak's `refresh_expires_in`), when given. */
  refreshExpiresIn: number | undefined;
  tokenType: string;
  scope: string | undefined;
}

export interface LoginResult extends TokenSet {
  /** The browser session (cookies) the login left behind, for `logout` or a second sign-in. */
  session: BrowserSession;
}

export interface PasswordLoginOptions {
  issuer: string;
  clientId: string;
  /** Confidential clients only; sent with HTTP Basic authentication. */
  clientSecret?: string;
  redirectUri: string;
  username: string;
  password: string;
  /** Default `openid profile email`. */
  scope?: string;
  /** Reuse a browser session (single sign-on: no login form when it is still signed in). */
  session?: BrowserSession;
  fetch?: typeof fetch;
}

/** The login page refused the credentials (or never showed); `message` is the page's own text. */
export class LoginFailedError extends Error {
  readonly page: Page | undefined;

  constructor(message: string, page?: Page) {
    super(message);
    this.name = 'LoginFailedError';
    this.page = page;
  }
}

/** The token endpoint answered with an OAuth error. */
export class TokenRequestError extends Error {
  readonly status: number;
  readonly error: string;
  readonly errorDescription: string | undefined;

  constructor(status: number, error: string, errorDescription?: string) {
    super(`token request failed (HTTP ${status}): ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
    this.name = 'TokenRequestError';
    this.status = status;
    this.error = error;
    this.errorDescription = errorDescription;
  }
}

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  [key: string]: unknown;
}

export async function discover(issuer: string, fetchImpl: typeof fetch = fetch): Promise<ProviderMetadata> {
  const response = await fetchImpl(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery at ${issuer} failed: HTTP ${response.status}`);
  return (await response.json()) as ProviderMetadata;
}

export async function loginWithPassword(options: PasswordLoginOptions): Promise<LoginResult> {
  const fetchImpl = options.fetch ?? fetch;
  const session = options.session ?? new BrowserSession(fetchImpl);
  const metadata = await discover(options.issuer, fetchImpl);

  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(metadata.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid profile email',
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const isCallback = (url: string): boolean => url.split(/[?#]/)[0] === options.redirectUri.split(/[?#]/)[0];
  let step = await session.navigate(authorize.href, { stopAt: isCallback });
  if (step.kind === 'page') {
    const form = step.document.querySelector('form#kc-form-login');
    if (!form) {
      const reason = textOf(step.document, '#kc-error-message', '#input-error', 'h1') ?? step.html.slice(0, 200);
      throw new LoginFailedError(`expected the login form at ${step.url}, got HTTP ${step.status}: ${reason}`, step);
    }
    step = await session.submitForm(step, form, { username: options.username, password: options.password }, { stopAt: isCallback });
    if (step.kind === 'page') {
      const reason = textOf(step.document, '#input-error', '.alert-error', '#kc-error-message') ?? `login did not complete (HTTP ${step.status} at ${step.url})`;
      throw new LoginFailedError(reason, step);
    }
  }

  const callback = new URL(step.location);
  const params = new URLSearchParams(callback.hash ? callback.hash.slice(1) : callback.search);
  if (params.get('error')) {
    throw new LoginFailedError(`authorization failed: ${params.get('error')}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`);
  }
  if (params.get('state') !== state) throw new LoginFailedError('the authorization response carried a different state');
  const code = params.get('code');
  if (!code) throw new LoginFailedError(`the authorization response carried no code: ${step.location}`);

  const tokens = await tokenRequest(
    metadata.token_endpoint,
    { grant_type: 'authorization_code', code, redirect_uri: options.redirectUri, code_verifier: verifier },
    options,
    fetchImpl,
  );
  return { ...tokens, session };
}

export interface ClientCredentialsOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  fetch?: typeof fetch;
}

export async function clientCredentialsToken(options: ClientCredentialsOptions): Promise<TokenSet> {
  const fetchImpl = options.fetch ?? fetch;
  const metadata = await discover(options.issuer, fetchImpl);
  return tokenRequest(metadata.token_endpoint, { grant_type: 'client_credentials', ...(options.scope ? { scope: options.scope } : {}) }, options, fetchImpl);
}

export interface RefreshOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  fetch?: typeof fetch;
}

export async function refreshTokens(options: RefreshOptions): Promise<TokenSet> {
  const fetchImpl = options.fetch ?? fetch;
  const metadata = await discover(options.issuer, fetchImpl);
  return tokenRequest(metadata.token_endpoint, { grant_type: 'refresh_token', refresh_token: options.refreshToken }, options, fetchImpl);
}

export interface LogoutOptions {
  issuer: string;
  /** The browser session that signed in. */
  session: BrowserSession;
  idToken: string;
  postLogoutRedirectUri?: string;
  state?: string;
  fetch?: typeof fetch;
}

/**
 * RP-initiated logout as a browser does it: GET the end-session endpoint with `id_token_hint`,
 * submit the self-submitting page the development provider answers with (Keycloak redirects
 * at once), and stop at the redirect to `postLogoutRedirectUri`. Returns that URL, or the
 * final page when there is no post-logout redirect.
 */
export async function logout(options: LogoutOptions): Promise<{ location: string | undefined; page: Page | undefined }> {
  const metadata = await discover(options.issuer, options.fetch);
  if (!metadata.end_session_endpoint) throw new Error(`${options.issuer} advertises no end_session_endpoint`);
  const url = new URL(metadata.end_session_endpoint);
  url.searchParams.set('id_token_hint', options.idToken);
  if (options.postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
  if (options.state) url.searchParams.set('state', options.state);
  const stopAt = (target: string): boolean =>
    options.postLogoutRedirectUri !== undefined && target.split('?')[0] === options.postLogoutRedirectUri.split('?')[0];

  let step = await options.session.navigate(url.href, { stopAt });
  for (let forms = 0; step.kind === 'page' && forms < 2; forms += 1) {
    const form = step.document.querySelector('form[method=post]');
    if (!form) break;
    step = await options.session.submitForm(step, form, {}, { stopAt });
  }
  return step.kind === 'redirect' ? { location: step.location, page: undefined } : { location: undefined, page: step };
}

async function tokenRequest(
  endpoint: string,
  body: Record<string, string>,
  client: { clientId: string; clientSecret?: string },
  fetchImpl: typeof fetch,
): Promise<TokenSet> {
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  const form = new URLSearchParams(body);
  if (client.clientSecret !== undefined) {
    // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
    const encode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);
    headers.set('authorization', `Basic ${Buffer.from(`${encode(client.clientId)}:${encode(client.clientSecret)}`).toString('base64')}`);
  } else {
    form.set('client_id', client.clientId);
  }
  const response = await fetchImpl(endpoint, { method: 'POST', headers, body: form });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof json['access_token'] !== 'string') {
    throw new TokenRequestError(response.status, String(json['error'] ?? 'invalid_response'), json['error_description'] as string | undefined);
  }
  return {
    accessToken: json['access_token'],
    idToken: json['id_token'] as string | undefined,
    refreshToken: json['refresh_token'] as string | undefined,
    expiresIn: Number(json['expires_in']),
    refreshExpiresIn: json['refresh_expires_in'] === undefined ? undefined : Number(json['refresh_expires_in']),
    tokenType: String(json['token_type']),
    scope: json['scope'] as string | undefined,
  };
}
