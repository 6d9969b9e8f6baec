/**
 * Verifies the provider's own access tokens where Keycloak accepts them as bearer tokens
 * (userinfo, admin REST API): RS256 signature by a key of the realm's JWKS, issuer, lifetime,
 * and `typ: "Bearer"` (an ID token is not an access token).
 */
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

import type { DevKeyStore } from './key-store.ts';

export class BearerTokenError extends Error {
  readonly code: 'invalid_request' | 'invalid_token';

  constructor(code: 'invalid_request' | 'invalid_token', message: string) {
    super(message);
    this.name = 'BearerTokenError';
    this.code = code;
  }
}

/** The bearer token from `Authorization: Bearer …`, or undefined. Throws on a malformed header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(authorization);
  if (!match) throw new BearerTokenError('invalid_request', 'the Authorization header must be "Bearer <access token>"');
  return match[1];
}

export async function verifyAccessToken(token: string, options: { issuer: string; keys: DevKeyStore }): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(options.keys.publicJwks()), {
      issuer: options.issuer,
      algorithms: ['RS256'],
      clockTolerance: 5,
    });
    if (payload['typ'] !== 'Bearer') throw new BearerTokenError('invalid_token', 'the token is not an access token (typ is not "Bearer")');
    if (typeof payload.sub !== 'string') throw new BearerTokenError('invalid_token', 'the token has no subject');
    return payload;
  } catch (error) {
    if (error instanceof BearerTokenError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new BearerTokenError('invalid_token', 'the token has expired');
    if (error instanceof joseErrors.JOSEError) throw new BearerTokenError('invalid_token', `the token is not valid here (${error.message})`);
    throw error;
  }
}
