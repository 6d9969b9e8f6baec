import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ACME, PERSONAS, type Persona, type TestIssuer } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/**
 * Issue 3's rejection list against a real RSA key and a local discovery + JWKS server. The
 * issuer here can also go down and come back on the same address, and fail its JWKS on demand.
 */

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

interface ControllableIssuer extends TestIssuer {
  keys: Key[];
  /** Signs arbitrary claims with full control of the header and key. */
  sign(claims: JWTPayload, options?: { key?: Key; alg?: string; kid?: string }): Promise<string>;
  claimsFor(persona: Persona): JWTPayload;
  jwksRequests(): number;
  jwksStatus: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function startControllableIssuer(): Promise<ControllableIssuer> {
  const keys = [await newKey('ctl-1')];
  let discoveries = 0;
  let jwksHits = 0;
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.setHeader('content-type', 'application/json');
      if (path === '/realms/wrrk/.well-known/openid-configuration') {
        discoveries += 1;
        res.end(JSON.stringify({ issuer: self.issuer, jwks_uri: `${self.issuer}/protocol/openid-connect/certs` }));
      } else if (path === '/realms/wrrk/protocol/openid-connect/certs') {
        jwksHits += 1;
        res.statusCode = self.jwksStatus;
        res.end(self.jwksStatus === 200 ? JSON.stringify({ keys: keys.map((k) => k.jwk) }) : '{"error":"unavailable"}');
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  const issuer = `http://127.0.0.1:${port}/realms/wrrk`;
  const claimsFor = (persona: Persona): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: issuer, aud: ['orchestrator', 'account'], sub: persona.sub, iat: now, exp: now + 300, typ: 'Bearer', azp: 'shell',
      preferred_username: persona.username, name: persona.name, email: persona.email, realm_access: { roles: persona.roles }, groups: persona.groups,
    };
  };
  const self: ControllableIssuer = {
    issuer,
    audience: 'orchestrator',
    keys,
    jwksStatus: 200,
    claimsFor,
    async sign(claims, options = {}) {
      const key = options.key ?? keys[keys.length - 1]!;
      return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? key.kid, typ: 'JWT' }).sign(key.privateKey);
    },
    async token(persona, overrides = {}) {
      const { expiresInSeconds, kid, ...claims } = overrides;
      const base = claimsFor(persona);
      const key = kid ? keys.find((k) => k.kid === kid) : undefined;
      return self.sign({ ...base, ...(expiresInSeconds === undefined ? {} : { exp: (base.iat as number) + expiresInSeconds }), ...claims }, key ? { key } : {});
    },
    async rotateKey() {
      keys.push(await newKey(`ctl-${keys.length + 1}`));
    },
    discoveryRequests: () => discoveries,
    jwksRequests: () => jwksHits,
    async stop() {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
    start: listen,
    close: () => self.stop(),
  };
  return self;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const { alice } = PERSONAS;
const approvalsPath = `/api/approvals?tenantId=${encodeURIComponent(ACME)}`;

let db: TestDatabase;
let issuer: ControllableIssuer;
let t: TestOrchestrator;
let stranger: Key; // a real key the issuer never published

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await startControllableIssuer();
  stranger = await newKey('ctl-1');
  t = await startTestOrchestrator({ db, issuer });
});
afterAll(async () => {
  await t.shutdown();
  await issuer.close();
  await db.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const withToken = (token: string) => t.call(null, 'GET', approvalsPath, undefined, { authorization: `Bearer ${token}` });

async function expectRejected(token: string, message: RegExp) {
  const res = await withToken(token);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="wrrk"/);
  const body = (await res.json()) as { error: string; code: string; requestId: string; timestamp: string };
  expect(body).toMatchObject({ code: 'unauthenticated', requestId: res.headers.get('x-request-id') });
  expect(body.error).toMatch(message);
}

describe('accepted tokens', () => {
  it('accepts a Keycloak-shaped access token signed with the published key', async () => {
    expect((await withToken(await issuer.token(alice))).status).toBe(200);
  });

  it('tolerates a small clock skew on exp, but no more', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await withToken(await issuer.sign({ ...issuer.claimsFor(alice), exp: now - 10 }))).status).toBe(200);
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), exp: now - 120 }), /expired/);
  });
});

describe('the rejection list (ASVS 5.0 V9)', () => {
  it('refuses an expired token', async () => {
    await expectRejected(await issuer.token(alice, { expiresInSeconds: -3600 }), /expired/);
  });

  it('refuses a token not yet valid (nbf in the future)', async () => {
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), nbf: Math.floor(Date.now() / 1000) + 600 }), /nbf/);
  });

  it('refuses a token for another audience', async () => {
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), aud: ['account', 'chatwoot'] }), /aud/);
  });

  it('refuses a token from another issuer, even signed with the trusted key', async () => {
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), iss: 'http://127.0.0.1:9/realms/evil' }), /iss/);
  });

  it('refuses a token signed with another key under a published kid', async () => {
    await expectRejected(await issuer.sign(issuer.claimsFor(alice), { key: stranger, kid: 'ctl-1' }), /signature invalid/);
  });

  it('refuses a token signed with an unknown key', async () => {
    await expectRejected(await issuer.sign(issuer.claimsFor(alice), { key: stranger, kid: 'stranger' }), /unknown key/);
  });

  it('refuses alg "none"', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT', kid: 'ctl-1' })}.${b64url(issuer.claimsFor(alice))}.`;
    await expectRejected(unsigned, /algorithm not allowed/);
  });

  it('refuses HS256 signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const pem = await exportSPKI(issuer.keys[0]!.publicKey);
    expect(createPublicKey(pem).asymmetricKeyType).toBe('rsa'); // the very key the JWKS publishes
    const confused = await new SignJWT(issuer.claimsFor(alice)).setProtectedHeader({ alg: 'HS256', kid: 'ctl-1', typ: 'JWT' }).sign(new TextEncoder().encode(pem));
    await expectRejected(confused, /algorithm not allowed/);
    const viaJwk = await new SignJWT(issuer.claimsFor(alice)).setProtectedHeader({ alg: 'HS256', kid: 'ctl-1' }).sign(new TextEncoder().encode(JSON.stringify(issuer.keys[0]!.jwk)));
    await expectRejected(viaJwk, /algorithm not allowed/);
  });

  it('refuses an ID token (typ ID) and other token types', async () => {
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), typ: 'ID' }), /not an access token/);
    await expectRejected(await issuer.sign({ ...issuer.claimsFor(alice), typ: 'Refresh' }), /not an access token/);
  });

  it('refuses tokens missing exp or sub, and malformed tokens', async () => {
    const { exp: _exp, ...noExp } = issuer.claimsFor(alice);
    await expectRejected(await issuer.sign(noExp), /exp/);
    const { sub: _sub, ...noSub } = issuer.claimsFor(alice);
    await expectRejected(await issuer.sign(noSub), /sub/);
    await expectRejected('not.a.jwt', /invalid/);
    const missing = await t.call(null, 'GET', approvalsPath, undefined, { authorization: `Basic ${Buffer.from('alice:demo').toString('base64')}` });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: 'missing bearer token' });
  });
});

describe('keys and discovery', () => {
  it('caches discovery and the key set instead of fetching them per request', async () => {
    const discoveries = issuer.discoveryRequests();
    const jwks = issuer.jwksRequests();
    for (let i = 0; i < 10; i += 1) expect((await withToken(await issuer.token(alice))).status).toBe(200);
    expect(issuer.discoveryRequests()).toBe(discoveries);
    expect(issuer.jwksRequests()).toBe(jwks);
    expect(discoveries).toBe(1);
  });

  it('does not let unknown kids hammer the identity provider', async () => {
    const before = issuer.jwksRequests();
    for (let i = 0; i < 5; i += 1) await expectRejected(await issuer.sign(issuer.claimsFor(alice), { key: stranger, kid: `noise-${i}` }), /unknown key/);
    expect(issuer.jwksRequests() - before).toBeLessThanOrEqual(1);
  });

  it('accepts a token with a new kid after rotation: the key set is refetched on an unknown kid', async () => {
    const oldToken = await issuer.token(alice);
    expect((await withToken(oldToken)).status).toBe(200);
    await issuer.rotateKey();
    const before = issuer.jwksRequests();
    // Past the refetch cooldown (which protects the provider from unknown-kid floods).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const rotated = await issuer.token(alice);
    expect(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid).toBe('ctl-2');
    expect((await withToken(rotated)).status).toBe(200);
    expect(issuer.jwksRequests()).toBe(before + 1);
    expect((await withToken(await issuer.token(alice, { kid: 'ctl-1' }))).status).toBe(200); // the old key is still published
    expect(issuer.discoveryRequests()).toBe(1);
  });
});

describe('identity provider outages', () => {
  it('answers 503 (not 500, not 401) while the provider is down at start, and recovers when it is up', async () => {
    const down = await startControllableIssuer();
    await down.stop();
    const o = await startTestOrchestrator({ db, issuer: down });
    try {
      const token = await down.token(alice);
      const res = await o.call(null, 'GET', approvalsPath, undefined, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await res.json()).toMatchObject({ code: 'service_unavailable', error: expect.stringMatching(/identity provider/), requestId: expect.any(String), timestamp: expect.any(String) });
      await down.start();
      expect((await o.call(null, 'GET', approvalsPath, undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
      expect(down.discoveryRequests()).toBe(1);
    } finally {
      await o.shutdown();
      await down.close();
    }
  });

  it('answers 503 when discovery works but the key set endpoint fails, and recovers', async () => {
    const flaky = await startControllableIssuer();
    flaky.jwksStatus = 502;
    const o = await startTestOrchestrator({ db, issuer: flaky });
    try {
      const token = await flaky.token(alice);
      const res = await o.call(null, 'GET', approvalsPath, undefined, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'service_unavailable' });
      flaky.jwksStatus = 200;
      expect((await o.call(null, 'GET', approvalsPath, undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await o.shutdown();
      await flaky.close();
    }
  });
});
