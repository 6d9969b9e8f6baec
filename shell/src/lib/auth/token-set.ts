/**
 * What the shell keeps about a signed-in user, inside next-auth's encrypted (JWE) session
 * cookie. The browser holds only the ciphertext: access, refresh and ID tokens never reach
 * browser JavaScript (the cookie is httpOnly and the session callback returns none of them).
 */
export interface SessionTokens {
  accessToken: string;
  /** Epoch seconds. */
  accessTokenExpiresAt: number;
  refreshToken: string | null;
  /** Epoch seconds; null when the provider did not say (then only a failed refresh ends it). */
  refreshTokenExpiresAt: number | null;
  /** Kept for RP-initiated logout (`id_token_hint`). */
  idToken: string | null;
}

/** Token endpoint answer (RFC 6749 5.1, plus Keycloak's `refresh_expires_in`). */
export interface TokenEndpointResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  id_token?: string;
  token_type?: string;
}

export function tokensFromResponse(response: TokenEndpointResponse, previous: SessionTokens | null, nowSeconds: number): SessionTokens {
  const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : 300;
  const refreshExpiresIn = typeof response.refresh_expires_in === 'number' && response.refresh_expires_in > 0 ? response.refresh_expires_in : null;
  return {
    accessToken: response.access_token,
    accessTokenExpiresAt: nowSeconds + expiresIn,
    // A provider that does not rotate answers without a refresh token: keep the old one.
    refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
    refreshTokenExpiresAt: refreshExpiresIn ? nowSeconds + refreshExpiresIn : response.refresh_token ? null : (previous?.refreshTokenExpiresAt ?? null),
    idToken: response.id_token ?? previous?.idToken ?? null,
  };
}

/** Seconds before expiry at which the proxy refreshes, so every render and call has a usable token. */
export const REFRESH_MARGIN_SECONDS = 45;

export type TokenState = 'fresh' | 'refresh' | 'expired';

/**
 * - fresh: the access token outlives the margin;
 * - refresh: it is (nearly) expired and a refresh token may still work;
 * - expired: nothing can renew it: the user must sign in again.
 */
export function tokenState(tokens: SessionTokens, nowSeconds: number): TokenState {
  if (tokens.accessTokenExpiresAt - REFRESH_MARGIN_SECONDS > nowSeconds) return 'fresh';
  if (!tokens.refreshToken) return tokens.accessTokenExpiresAt > nowSeconds ? 'fresh' : 'expired';
  if (tokens.refreshTokenExpiresAt !== null && tokens.refreshTokenExpiresAt <= nowSeconds) {
    return tokens.accessTokenExpiresAt > nowSeconds ? 'fresh' : 'expired';
  }
  return 'refresh';
}

/** Payload of a JWT, without verification: the shell received it from the token endpoint itself. */
export function jwtClaims(token: string | null | undefined): Record<string, unknown> | null {
  if (!token) return null;
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return json && typeof json === 'object' ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
