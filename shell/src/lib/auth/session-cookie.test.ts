import { describe, expect, it } from 'vitest';
import { getToken } from 'next-auth/jwt';
import { CHUNK_SIZE, chunkedWrites, decodeSession, encodeSession, readChunkedValue, sessionCookieName, type ShellJwt } from './session-cookie';

const secret = 'test-secret-0123456789-abcdefghij';
const big = (n: number) => 'x'.repeat(n);

describe('session cookie', () => {
  it("uses next-auth's cookie names", () => {
    expect(sessionCookieName(false)).toBe('next-auth.session-token');
    expect(sessionCookieName(true)).toBe('__Secure-next-auth.session-token');
  });

  it('chunks a large session like next-auth and reads it back in order', () => {
    const value = big(CHUNK_SIZE * 2 + 10);
    const writes = chunkedWrites(value, [], 'next-auth.session-token', false, 60);
    expect(writes.map((write) => write.name)).toEqual(['next-auth.session-token.0', 'next-auth.session-token.1', 'next-auth.session-token.2']);
    expect(writes.every((write) => write.options.httpOnly && write.options.sameSite === 'lax' && write.options.maxAge === 60)).toBe(true);
    const shuffled = [writes[2]!, writes[0]!, writes[1]!].map(({ name, value: v }) => ({ name, value: v }));
    expect(readChunkedValue(shuffled, 'next-auth.session-token')).toBe(value);
  });

  it('expires chunks that the new value no longer uses, and ignores look-alike cookies', () => {
    const existing = [
      { name: 'next-auth.session-token.0', value: 'a' },
      { name: 'next-auth.session-token.1', value: 'b' },
      { name: 'next-auth.session-token-other', value: 'c' },
    ];
    const writes = chunkedWrites('small', existing, 'next-auth.session-token', true, 60);
    expect(writes).toEqual([
      { name: 'next-auth.session-token.0', value: '', options: expect.objectContaining({ maxAge: 0 }) },
      { name: 'next-auth.session-token.1', value: '', options: expect.objectContaining({ maxAge: 0 }) },
      { name: 'next-auth.session-token', value: 'small', options: expect.objectContaining({ maxAge: 60, secure: true }) },
    ]);
    expect(chunkedWrites(null, existing, 'next-auth.session-token', false, 0).map((write) => write.options.maxAge)).toEqual([0, 0]);
  });

  it('writes what next-auth itself reads (getToken), tokens included, and nothing readable without the secret', async () => {
    const jwt: ShellJwt = {
      sub: 'u1',
      name: 'Alice',
      tokens: { accessToken: big(1800), accessTokenExpiresAt: 2_000_000_000, refreshToken: big(900), refreshTokenExpiresAt: null, idToken: big(1500) },
    };
    const encoded = await encodeSession(jwt, secret);
    const writes = chunkedWrites(encoded, [], sessionCookieName(false), false, 60);
    expect(writes.length).toBeGreaterThan(1);
    const cookies = new Map(writes.map((write) => [write.name, write.value]));
    const read = (await getToken({ req: { cookies, headers: {} } as never, secret, secureCookie: false })) as ShellJwt | null;
    expect(read?.tokens?.refreshToken).toBe(jwt.tokens!.refreshToken);
    expect(encoded).not.toContain(big(50));
    expect(await decodeSession(encoded, 'another-secret-0123456789-abcdefg')).toBeNull();
    expect(await decodeSession('garbage', secret)).toBeNull();
  });
});
