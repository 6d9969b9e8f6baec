import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyWritesToCookieHeader, gateSession, type GateConfig } from './session-gate';
import { chunkedWrites, decodeSession, encodeSession, readChunkedValue, sessionCookieName, type CookieWrite } from './session-cookie';

/**
 * The proxy's session gate against a small OAuth 2.0 token endpoint double (discovery document
 * and `grant_type=refresh_token` with rotation and reuse detection, as Keycloak does).
 */
let server: Server;
let issuer = '';
const valid = new Set<string>();
let issued = 0;
let tokenCalls = 0;
let authorization: string | undefined;
let down = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/realms/wrrk/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/protocol/openid-connect/auth`, token_endpoint: `${issuer}/protocol/openid-connect/token`, end_session_endpoint: `${issuer}/protocol/openid-connect/logout` }));
      return;
    }
    if (path === '/realms/wrrk/protocol/openid-connect/token') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        tokenCalls += 1;
        authorization = req.headers.authorization;
        if (down) return void res.writeHead(503).end();
        const form = new URLSearchParams(body);
        const token = form.get('refresh_token') ?? '';
        if (form.get('grant_type') !== 'refresh_token' || !valid.delete(token)) {
          valid.clear();
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant","error_description":"Token is not active"}');
          return;
        }
        issued += 1;
        valid.add(`rt-${issued}`);
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `at-${issued}`, expires_in: 300, refresh_token: `rt-${issued}`, refresh_expires_in: 1800, token_type: 'Bearer' })), 30);
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/wrrk`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let refreshSeed = 0;
beforeEach(() => {
  down = false;
  tokenCalls = 0;
});

const config = (): GateConfig => ({ secret: 'gate-secret-0123456789-abcdefghij', secureCookies: false, issuer, clientId: 'shell', clientSecret: 's3cret/+' });
const NAME = sessionCookieName(false);

/** A signed-in browser's cookies, with an access token expiring at `expiresAt` and a fresh refresh token. */
async function cookiesFor(expiresAt: number, refreshToken?: string) {
  const token = refreshToken ?? `seed-${++refreshSeed}`;
  valid.add(token);
  const encoded = await encodeSession({ sub: 'u1', tokens: { accessToken: 'at-0', accessTokenExpiresAt: expiresAt, refreshToken: token, refreshTokenExpiresAt: null, idToken: 'id-0' } }, config().secret);
  return chunkedWrites(encoded, [], NAME, false, 60).map(({ name, value }) => ({ name, value }));
}

const now = () => Math.floor(Date.now() / 1000);
const written = async (writes: CookieWrite[]) => decodeSession(readChunkedValue(writes.filter((w) => w.options.maxAge > 0), NAME), config().secret);

describe('session gate', () => {
  it('lets a fresh session through untouched', async () => {
    expect(await gateSession(await cookiesFor(now() + 300), config())).toEqual({ kind: 'ok', writes: [] });
    expect(tokenCalls).toBe(0);
  });

  it('sends a request without a session to sign in', async () => {
    expect(await gateSession([{ name: 'other', value: '1' }], config())).toEqual({ kind: 'signed-out', writes: [] });
    const junk = await gateSession([{ name: NAME, value: 'not-a-jwe' }], config());
    expect(junk.kind).toBe('signed-out');
  });

  it('renews a token about to expire, with client authentication, and writes the rotated tokens', async () => {
    const result = await gateSession(await cookiesFor(now() + 10), config());
    expect(result.kind).toBe('ok');
    const jwt = await written((result as { writes: CookieWrite[] }).writes);
    expect(jwt?.tokens).toMatchObject({ accessToken: `at-${issued}`, refreshToken: `rt-${issued}`, idToken: 'id-0' });
    expect(authorization).toBe(`Basic ${Buffer.from('shell:s3cret%2F%2B').toString('base64')}`);
  });

  it('renews once for a burst of parallel requests of the same session', async () => {
    const cookies = await cookiesFor(now() + 10);
    const results = await Promise.all(Array.from({ length: 8 }, () => gateSession(cookies, config())));
    expect(results.every((result) => result.kind === 'ok')).toBe(true);
    expect(tokenCalls).toBe(1);
    const tokens = await Promise.all(results.map(async (result) => (await written((result as { writes: CookieWrite[] }).writes))?.tokens?.refreshToken));
    expect(new Set(tokens).size).toBe(1);
  });

  it('ends a session the provider refuses, clearing the cookie', async () => {
    const cookies = await cookiesFor(now() + 10, 'revoked-token');
    valid.delete('revoked-token');
    const result = await gateSession(cookies, config());
    expect(result).toMatchObject({ kind: 'expired', reason: 'Token is not active' });
    expect((result as { writes: CookieWrite[] }).writes).toEqual([expect.objectContaining({ name: NAME, value: '', options: expect.objectContaining({ maxAge: 0 }) })]);
  });

  it('keeps using a still-valid token while the provider is down, and says so once it is not', async () => {
    down = true;
    expect(await gateSession(await cookiesFor(now() + 20), config())).toEqual({ kind: 'ok', writes: [] });
    expect(await gateSession(await cookiesFor(now() - 1), config())).toMatchObject({ kind: 'idp-unavailable' });
  });

  it('rewrites the request cookie header for the handlers behind the proxy', () => {
    const header = 'a=1; next-auth.session-token.0=old0; next-auth.session-token.1=old1; wrrk.tenant=u%7C%2Fteams%2Fx';
    const writes = chunkedWrites('new', [{ name: 'next-auth.session-token.0', value: 'old0' }, { name: 'next-auth.session-token.1', value: 'old1' }], NAME, false, 60);
    expect(applyWritesToCookieHeader(header, writes)).toBe('a=1; wrrk.tenant=u%7C%2Fteams%2Fx; next-auth.session-token=new');
  });
});
