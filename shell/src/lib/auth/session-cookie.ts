import { decode, encode, type JWT } from 'next-auth/jwt';
import type { SessionTokens } from './token-set';

/**
 * next-auth's session cookie, read and rewritten outside next-auth (the proxy renews tokens
 * there). Same name, same encryption (`next-auth/jwt` encode/decode with NEXTAUTH_SECRET) and the
 * same chunking as next-auth v4 (`core/lib/cookie.ts`): a value over ~4 KB is split into
 * `<name>.0`, `<name>.1`, … and every stale chunk is expired when the value is rewritten.
 */

export interface ShellJwt extends JWT {
  tokens?: SessionTokens;
}

const ALLOWED_COOKIE_SIZE = 4096;
const ESTIMATED_EMPTY_COOKIE_SIZE = 163;
export const CHUNK_SIZE = ALLOWED_COOKIE_SIZE - ESTIMATED_EMPTY_COOKIE_SIZE;

/** Session lifetime: Keycloak's default SSO session maximum (10 h); the IdP may end it sooner. */
export const SESSION_MAX_AGE_SECONDS = 10 * 60 * 60;

export const sessionCookieName = (secure: boolean) => `${secure ? '__Secure-' : ''}next-auth.session-token`;

export interface CookieLike {
  name: string;
  value: string;
}

export interface CookieWrite {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: 'lax'; path: '/'; secure: boolean; maxAge: number };
}

const belongsTo = (name: string, base: string) => name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)));

/** The cookie value, reassembled from its chunks (in numeric order). */
export function readChunkedValue(cookies: readonly CookieLike[], base: string): string | null {
  const parts = cookies.filter((cookie) => belongsTo(cookie.name, base));
  if (parts.length === 0) return null;
  const whole = parts.find((cookie) => cookie.name === base);
  // An unchunked cookie wins over leftovers; next-auth never writes both.
  if (whole) return whole.value;
  const index = (name: string) => Number(name.slice(base.length + 1));
  return parts
    .sort((a, b) => index(a.name) - index(b.name))
    .map((cookie) => cookie.value)
    .join('');
}

/** Cookies to set: the new chunks, plus expiries for every existing chunk not rewritten. */
export function chunkedWrites(value: string | null, existing: readonly CookieLike[], base: string, secure: boolean, maxAge: number): CookieWrite[] {
  const options = (age: number) => ({ httpOnly: true as const, sameSite: 'lax' as const, path: '/' as const, secure, maxAge: age });
  const writes = new Map<string, CookieWrite>();
  for (const cookie of existing) if (belongsTo(cookie.name, base)) writes.set(cookie.name, { name: cookie.name, value: '', options: options(0) });
  if (value !== null) {
    const count = Math.ceil(value.length / CHUNK_SIZE);
    if (count <= 1) writes.set(base, { name: base, value, options: options(maxAge) });
    else for (let i = 0; i < count; i++) writes.set(`${base}.${i}`, { name: `${base}.${i}`, value: value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), options: options(maxAge) });
  }
  return [...writes.values()];
}

export async function decodeSession(value: string | null, secret: string): Promise<ShellJwt | null> {
  if (!value) return null;
  try {
    return (await decode({ token: value, secret })) as ShellJwt | null;
  } catch {
    // Wrong secret (rotated), tampered or truncated: treat as signed out.
    return null;
  }
}

export function encodeSession(token: ShellJwt, secret: string): Promise<string> {
  return encode({ token, secret, maxAge: SESSION_MAX_AGE_SECONDS });
}
