import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DataStore } from '../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/** GET /api/health: ok, degraded (Redis gone: still serving) and down (database gone: 503). */

interface Health {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  checks: Record<'database' | 'redis', { status: string; latencyMs: number | null; detail?: string }>;
}

async function health(t: TestOrchestrator): Promise<{ status: number; body: Health }> {
  const res = await t.call(null, 'GET', '/api/health');
  return { status: res.status, body: (await res.json()) as Health };
}

// One database for the whole file: starting PGlite is the slow part.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('health without Redis', () => {
  let t: TestOrchestrator;
  beforeAll(async () => {
    t = await startTestOrchestrator({ db });
  });
  afterAll(() => t.shutdown());

  it('is ok with the database latency, Redis disabled, and needs no token', async () => {
    const { status, body } = await health(t);
    expect(status).toBe(200);
    expect(body.status).toMatch(/^(ok|degraded)$/); // degraded only if the database took > 250 ms
    expect(body.checks.database.status).toMatch(/^(ok|degraded)$/);
    expect(body.checks.database.latencyMs).toBeGreaterThan(0);
    expect(body.checks.database.latencyMs).toBeLessThan(2000);
    expect(body.checks.redis).toMatchObject({ status: 'disabled', latencyMs: null, detail: expect.stringMatching(/REDIS_URL/) });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('health with the database gone', () => {
  let t: TestOrchestrator;
  let dead: DataStore;
  beforeAll(async () => {
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    dead = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/wrrk` });
    t = await startTestOrchestrator({ db: { store: dead, url: null, close: () => dead.close() } });
  });
  afterAll(async () => {
    await t.shutdown();
    await dead.close();
  });

  it('is down with 503 and says why', async () => {
    const { status, body } = await health(t);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', checks: { database: { status: 'down', latencyMs: null, detail: expect.stringMatching(/ECONNREFUSED|connect/) } } });
  });
});

// Redis behind a TCP proxy that can be cut, so this test never disturbs the shared server.
const redisTarget = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const redisReachable =
  Boolean(process.env['REDIS_URL']) ||
  (await new Promise<boolean>((resolve) => {
    const socket = connect({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  }));

describe.runIf(redisReachable)('health with Redis coming and going', () => {
  let t: TestOrchestrator;
  const sockets = new Set<Socket>();
  let up = true;
  const proxy = createTcpServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = new URL(redisTarget);
    url.hostname = '127.0.0.1';
    url.port = String((proxy.address() as AddressInfo).port);
    t = await startTestOrchestrator({ db, env: { REDIS_URL: url.toString() } });
  });
  afterAll(async () => {
    up = true;
    await t?.shutdown();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('is ok with both latencies while Redis answers', async () => {
    const { status, body } = await health(t);
    expect(status).toBe(200);
    expect(body.checks.redis.status).toMatch(/^(ok|degraded)$/);
    expect(body.checks.redis.latencyMs).toBeGreaterThan(0);
  });

  it('is degraded (200, still serving requests) while Redis is gone, and ok again when it is back', async () => {
    up = false;
    for (const socket of sockets) socket.destroy();
    const { status, body } = await health(t);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down', latencyMs: null } } });
    // Rate limits fall back to the instance and live events are best-effort: writes still work.
    const created = await t.call(PERSONAS.alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'redis is down', priority: 'low' });
    expect(created.status).toBe(201);

    up = true;
    const deadline = Date.now() + 10_000;
    let again = await health(t);
    while (again.body.checks.redis.status === 'down' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await health(t);
    }
    expect(again.status).toBe(200);
    expect(again.body.checks.redis.status).toMatch(/^(ok|degraded)$/);
  });

  it('resumes the Redis fan-out after the outage (the subscriber resubscribed)', async () => {
    const seen: string[] = [];
    const unsubscribe = t.deps.events.subscribe(ACME, (event) => seen.push(event.type));
    try {
      const deadline = Date.now() + 10_000;
      // Publish until one comes back through Redis: the subscriber may still be reconnecting.
      while (!seen.includes('approval.created') && Date.now() < deadline) {
        const res = await t.call(PERSONAS.alice, 'POST', `/api/approvals?tenantId=${encodeURIComponent(ACME)}`, { title: 'after the outage', priority: 'low' });
        expect(res.status).toBe(201);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(seen).toContain('approval.created');
    } finally {
      unsubscribe();
    }
  });
});
