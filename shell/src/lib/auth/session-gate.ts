import { discoverEndpoints } from './oidc-discovery';
import { createTokenRefresher, type RefreshOutcome } from './refresh-tokens';
import { chunkedWrites, decodeSession, encodeSession, readChunkedValue, sessionCookieName, SESSION_MAX_AGE_SECONDS, type CookieLike, type CookieWrite, type ShellJwt } from './session-cookie';
import { tokenState } from './token-set';

/**
 * What the proxy decides about a request's session: let it through (possibly with renewed
 * tokens to write back), or send the user to sign in. This is the only place that refreshes.
 */
export type GateResult =
  | { kind: 'ok'; writes: CookieWrite[] }
  | { kind: 'signed-out'; writes: CookieWrite[] }
  | { kind: 'expired'; writes: CookieWrite[]; reason: string }
  | { kind: 'idp-unavailable'; message: string };

export interface GateConfig {
  secret: string;
  secureCookies: boolean;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

// RFC 6749 2.3.1: client id and secret are form-urlencoded before Basic encoding.
const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

let currentConfig: GateConfig | undefined;

// One refresher per process, so concurrent requests of a session share one rotation.
const refresher = createTokenRefresher(async (refreshToken) => {
  const config = currentConfig!;
  const { tokenEndpoint } = await discoverEndpoints(config.issuer);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(config.clientId, config.clientSecret), accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    signal: AbortSignal.timeout(10_000),
    cache: 'no-store',
  });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, body };
});

export function tokenEndpointCalls(): number {
  return refresher.calls();
}

export async function gateSession(cookies: readonly CookieLike[], config: GateConfig, nowSeconds = Math.floor(Date.now() / 1000)): Promise<GateResult> {
  const name = sessionCookieName(config.secureCookies);
  const clear = () => chunkedWrites(null, cookies, name, config.secureCookies, 0);
  const value = readChunkedValue(cookies, name);
  if (!value) return { kind: 'signed-out', writes: [] };
  const jwt = await decodeSession(value, config.secret);
  if (!jwt?.tokens) return { kind: 'signed-out', writes: clear() };

  const state = tokenState(jwt.tokens, nowSeconds);
  if (state === 'fresh') return { kind: 'ok', writes: [] };
  if (state === 'expired') return { kind: 'expired', writes: clear(), reason: 'session expired' };

  currentConfig = config;
  const outcome: RefreshOutcome = await refresher.refresh(jwt.tokens);
  if (outcome.ok) {
    const next: ShellJwt = { ...jwt, tokens: outcome.tokens };
    delete next.exp;
    delete next.iat;
    delete next.jti;
    const encoded = await encodeSession(next, config.secret);
    return { kind: 'ok', writes: chunkedWrites(encoded, cookies, name, config.secureCookies, SESSION_MAX_AGE_SECONDS) };
  }
  if (outcome.reason === 'invalid') return { kind: 'expired', writes: clear(), reason: outcome.message };
  // The provider is down: an access token that still works is used as long as it lasts.
  if (jwt.tokens.accessTokenExpiresAt > nowSeconds + 5) return { kind: 'ok', writes: [] };
  return { kind: 'idp-unavailable', message: outcome.message };
}

/**
 * The Cookie request header after applying writes, for the handlers behind the proxy. Works on
 * the raw header so other cookies keep their exact (possibly percent-encoded) bytes.
 */
export function applyWritesToCookieHeader(rawHeader: string | null, writes: readonly CookieWrite[]): string {
  const touched = new Set(writes.map((write) => write.name));
  const kept = (rawHeader ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair && !touched.has(pair.slice(0, pair.indexOf('=') === -1 ? pair.length : pair.indexOf('=')).trim()));
  for (const write of writes) if (write.options.maxAge !== 0) kept.push(`${write.name}=${write.value}`);
  return kept.join('; ');
}
