import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { PERSONAS, startTestIssuer, type Persona, type TestIssuer } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/**
 * Fixed-window limits: per principal (writes stricter than reads) and per client address,
 * in memory or shared through Redis. Each case uses fresh principals and addresses, because
 * concurrent test runs may share the Redis counters.
 */

const TENANT = '/organizations/rate-limits';
const freshUser = (): Persona => ({ ...PERSONAS.alice, sub: randomUUID(), groups: [TENANT] });
// The first X-Forwarded-For hop is the client (TRUST_PROXY); random, so runs never share one.
const freshAddress = () => `10.${[...randomBytes(3)].join('.')}, 192.0.2.1`;
const q = `tenantId=${encodeURIComponent(TENANT)}`;
const LIMITS = { RATE_LIMIT_WRITES_PER_MINUTE: '3', RATE_LIMIT_READS_PER_MINUTE: '6', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10', TRUST_PROXY: 'true' };

const write = (t: TestOrchestrator, user: Persona, address = freshAddress()) =>
  t.call(user, 'POST', `/api/audit?${q}`, { action: 'module.opened', resourceType: 'module', resourceId: 'inbox' }, { 'x-forwarded-for': address });
const read = (t: TestOrchestrator, user: Persona, address = freshAddress()) => t.call(user, 'GET', `/api/approvals?${q}`, undefined, { 'x-forwarded-for': address });

async function expectLimited(res: Response, scope: string, limit: number) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ code: 'rate_limited', error: expect.stringContaining(scope), details: { scope, limitPerMinute: limit, retryAfterSeconds: retryAfter } });
  expect(body['requestId']).toBe(res.headers.get('x-request-id'));
  expect(Number.isNaN(Date.parse(body['timestamp'] as string))).toBe(false);
}

// One database for the whole file: starting PGlite is the slow part.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

function limitsSuite(name: string, env: () => Record<string, string>) {
  describe(name, () => {
    let issuer: TestIssuer;
    let a: TestOrchestrator;
    let b: TestOrchestrator;

    beforeAll(async () => {
      issuer = await startTestIssuer();
      a = await startTestOrchestrator({ db, issuer, env: { ...LIMITS, ...env() } });
      b = await startTestOrchestrator({ db, issuer, env: { ...LIMITS, ...env() } });
    });
    afterAll(async () => {
      await a?.shutdown();
      await b?.shutdown();
      await issuer?.close();
    });

    it('limits writes per principal more strictly than reads', async () => {
      const user = freshUser();
      for (let i = 0; i < 3; i += 1) expect((await write(a, user)).status).toBe(201);
      await expectLimited(await write(a, user), 'writes per user', 3);
      // Reads have their own, larger budget: still open after the writes ran out.
      for (let i = 0; i < 6; i += 1) expect((await read(a, user)).status).toBe(200);
      await expectLimited(await read(a, user), 'reads per user', 6);
      // Someone else is not affected.
      expect((await write(a, freshUser())).status).toBe(201);
    });

    it('reports the remaining budget on allowed requests', async () => {
      const res = await write(a, freshUser());
      expect(res.headers.get('ratelimit-limit')).toBe('3');
      expect(res.headers.get('ratelimit-remaining')).toBe('2');
    });

    it('limits each client address across principals, before authentication', async () => {
      const address = freshAddress();
      for (let i = 0; i < 9; i += 1) expect((await read(a, freshUser(), address)).status).toBe(200);
      // A bad token still counts: floods of invalid credentials are throttled too.
      expect((await a.call(null, 'GET', `/api/approvals?${q}`, undefined, { 'x-forwarded-for': address, authorization: 'Bearer nonsense' })).status).toBe(401);
      await expectLimited(await read(a, freshUser(), address), 'client address', 10);
      expect((await read(a, freshUser(), freshAddress())).status).toBe(200);
      // Health stays reachable for probes from that address.
      expect((await a.call(null, 'GET', '/api/health', undefined, { 'x-forwarded-for': address })).status).toBe(200);
    });

    it(env()['REDIS_URL'] ? 'shares the counters between instances through Redis' : 'keeps counters per instance without Redis', async () => {
      const user = freshUser();
      expect((await write(a, user)).status).toBe(201);
      expect((await write(b, user)).status).toBe(201);
      expect((await write(a, user)).status).toBe(201);
      const fourth = await write(b, user);
      if (env()['REDIS_URL']) await expectLimited(fourth, 'writes per user', 3);
      else expect(fourth.status).toBe(201);
    });
  });
}

limitsSuite('rate limits in memory', () => ({}));

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const redisReachable =
  Boolean(process.env['REDIS_URL']) ||
  (await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  }));

if (redisReachable) limitsSuite('rate limits in Redis, shared by two instances', () => ({ REDIS_URL: redisUrl }));
