import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The homeserver proves itself with the registration's `hs_token`: `Authorization: Bearer`
 * (spec v1.4+) or the legacy `access_token` query parameter (Synapse before 1.81 sends only
 * that). When both are present they must agree. Compared in constant time over digests, so
 * neither the content nor the length of the token leaks through timing.
 */
export type HomeserverAuth = { ok: true } | { ok: false; status: 401 | 403; errcode: 'M_UNAUTHORIZED' | 'M_FORBIDDEN'; error: string };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function checkHomeserverToken(authorization: string | undefined, accessToken: string | undefined, hsToken: string): HomeserverAuth {
  const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (authorization !== undefined && bearer === undefined) return { ok: false, status: 401, errcode: 'M_UNAUTHORIZED', error: 'Authorization header must be "Bearer <hs_token>"' };
  if (bearer === undefined && !accessToken) return { ok: false, status: 401, errcode: 'M_UNAUTHORIZED', error: 'missing homeserver token (Authorization: Bearer or access_token)' };
  if (bearer !== undefined && accessToken && bearer !== accessToken) return { ok: false, status: 403, errcode: 'M_FORBIDDEN', error: 'the Authorization header and access_token disagree' };
  const given = bearer ?? accessToken!;
  return secretsEqual(given, hsToken) ? { ok: true } : { ok: false, status: 403, errcode: 'M_FORBIDDEN', error: 'invalid homeserver token' };
}
