import { createHash } from 'node:crypto';
import { tokensFromResponse, type SessionTokens, type TokenEndpointResponse } from './token-set';

/**
 * Refresh-token rotation without the race. Keycloak (with `revokeRefreshToken`) accepts each
 * refresh token once; several requests of one browser (tabs, parallel fetches, the event stream)
 * can carry the same about-to-expire session at the same moment (next-auth #6851, Keycloak
 * #16081). So every refresh goes through here:
 *
 * - concurrent callers holding the same refresh token share one call to the token endpoint;
 * - the outcome stays remembered for a short while, so a request that left the browser before
 *   the rotated cookie arrived gets the same new tokens instead of replaying the spent token.
 *
 * This serialises within one shell process (the proxy does all refreshing). Several shell
 * replicas need sticky sessions, or a shared store behind the same interface.
 */

export type RefreshOutcome =
  | { ok: true; tokens: SessionTokens }
  /** `invalid`: the provider refused (revoked, expired, reused): the session is over. */
  | { ok: false; reason: 'invalid' | 'unavailable'; message: string };

export type TokenRequest = (refreshToken: string) => Promise<{ status: number; body: unknown }>;

export interface RefresherOptions {
  /** How long an outcome is reused for late requests carrying the spent token. */
  reuseWindowMs?: number;
  now?: () => number;
}

interface Entry {
  promise: Promise<RefreshOutcome>;
  settledAt: number | null;
  outcome?: RefreshOutcome;
}

const keyOf = (refreshToken: string) => createHash('sha256').update(refreshToken).digest('base64url');

export function createTokenRefresher(request: TokenRequest, options: RefresherOptions = {}) {
  const reuseWindowMs = options.reuseWindowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let calls = 0;

  const sweep = () => {
    const limit = now() - reuseWindowMs;
    for (const [key, entry] of entries) if (entry.settledAt !== null && entry.settledAt < limit) entries.delete(key);
  };

  async function perform(previous: SessionTokens): Promise<RefreshOutcome> {
    calls += 1;
    let answer: { status: number; body: unknown };
    try {
      answer = await request(previous.refreshToken!);
    } catch (error) {
      return { ok: false, reason: 'unavailable', message: (error as Error).message };
    }
    const body = (answer.body ?? {}) as Partial<TokenEndpointResponse> & { error?: string; error_description?: string };
    if (answer.status >= 200 && answer.status < 300 && typeof body.access_token === 'string') {
      return { ok: true, tokens: tokensFromResponse(body as TokenEndpointResponse, previous, Math.floor(now() / 1000)) };
    }
    // RFC 6749 5.2: invalid_grant (and a 400/401 in general) means this grant is dead.
    if (answer.status === 400 || answer.status === 401) {
      return { ok: false, reason: 'invalid', message: body.error_description ?? body.error ?? `token endpoint answered ${answer.status}` };
    }
    return { ok: false, reason: 'unavailable', message: `token endpoint answered ${answer.status}` };
  }

  return {
    refresh(previous: SessionTokens): Promise<RefreshOutcome> {
      if (!previous.refreshToken) return Promise.resolve({ ok: false, reason: 'invalid', message: 'no refresh token' });
      sweep();
      const key = keyOf(previous.refreshToken);
      const existing = entries.get(key);
      // An unavailable provider is worth another try on the next request; a verdict is not.
      if (existing && !(existing.outcome && !existing.outcome.ok && existing.outcome.reason === 'unavailable')) return existing.promise;
      const entry: Entry = { promise: perform(previous), settledAt: null };
      entries.set(key, entry);
      void entry.promise.then((outcome) => {
        entry.settledAt = now();
        entry.outcome = outcome;
      });
      return entry.promise;
    },
    /** Calls made to the token endpoint (for tests and metrics). */
    calls: () => calls,
  };
}
