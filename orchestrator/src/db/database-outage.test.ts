import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '../testing/test-database.ts';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import { openDatabase, type DataStore } from './database.ts';

/**
 * PostgreSQL going away: every request answers 503 in the error shape with Retry-After (never
 * 500), the service recovers by itself, and no acknowledged (201) write is lost.
 */

const { alice, carol } = PERSONAS;
const q = `tenantId=${encodeURIComponent(ACME)}`;

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ code: 'service_unavailable', error: expect.stringMatching(/database unavailable/), requestId: res.headers.get('x-request-id') });
  expect(Number.isNaN(Date.parse(body['timestamp'] as string))).toBe(false);
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP proxy in front of the real server that can cut every connection and refuse new ones. */
async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let up = true;
  const server: TcpServer = createTcpServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    down() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    up() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('database unreachable', () => {
  let t: TestOrchestrator;
  let dead: DataStore;

  beforeAll(async () => {
    // A store pointed at a port where no database listens (never migrated: it never connects).
    dead = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/wrrk`, poolMax: 2 });
    t = await startTestOrchestrator({ db: { store: dead, url: null, close: () => dead.close() } });
  });
  afterAll(async () => {
    await t.shutdown();
    await dead.close();
  });

  it('answers 503 with the error shape and Retry-After on every kind of request, never 500', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const calls: Array<[typeof alice, string, string, unknown?]> = [
      [alice, 'POST', `/api/approvals?${q}`, { title: 'during outage', priority: 'high' }],
      [alice, 'GET', `/api/approvals?${q}`],
      [alice, 'GET', `/api/approvals/${id}?${q}`],
      [carol, 'PATCH', `/api/approvals/${id}?${q}`, { status: 'approved' }],
      [alice, 'POST', `/api/audit?${q}`, { action: 'module.opened', resourceType: 'module', resourceId: 'x' }],
      [carol, 'GET', `/api/audit?${q}`],
      [carol, 'GET', `/api/audit/verify?${q}`],
      [carol, 'GET', `/api/audit/resource/approval/${id}?${q}`],
    ];
    for (const [persona, method, path, body] of calls) {
      const res = await t.call(persona, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(503);
      await expectUnavailable(res);
    }
  });

  it('answers 503 for an export before streaming a single byte (never an empty 200)', async () => {
    for (const format of ['ndjson', 'csv']) await expectUnavailable(await t.call(carol, 'GET', `/api/audit/export?${q}&format=${format}`));
  });

  it('reports the database down in /api/health with 503', async () => {
    const res = await t.call(null, 'GET', '/api/health');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'down', checks: { database: { status: 'down', latencyMs: null } } });
  });

  it('still answers bad input with 4xx before touching the database', async () => {
    expect((await t.call(alice, 'POST', `/api/approvals?${q}`, { priority: 'whenever' })).status).toBe(400);
    expect((await t.call(null, 'GET', `/api/approvals?${q}`)).status).toBe(401);
  });
});

describe.runIf(testBackend() === 'postgres')('database outage and recovery on the real server', () => {
  let db: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let proxied: DataStore;
  let t: TestOrchestrator;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(db.url!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    proxied = await openDatabase({ databaseUrl: viaProxy.toString(), poolMax: 6 });
    t = await startTestOrchestrator({ db: { store: proxied, url: viaProxy.toString(), close: () => proxied.close() } });
  });
  afterAll(async () => {
    await t?.shutdown();
    await proxied?.close();
    await proxy?.close();
    await db?.close();
  });

  const create = (title: string) => t.call(alice, 'POST', `/api/approvals?${q}`, { title, priority: 'medium' });

  it('goes from 201 to 503 while the server is gone, and back to 201 by itself', async () => {
    expect((await create('before')).status).toBe(201);
    proxy.down();
    await expectUnavailable(await create('during'));
    await expectUnavailable(await t.call(alice, 'GET', `/api/approvals?${q}`));
    expect((await t.call(null, 'GET', '/api/health')).status).toBe(503);
    proxy.up();
    expect((await create('after')).status).toBe(201);
    expect((await t.call(null, 'GET', '/api/health')).status).toBe(200);
    const titles = (await db.store.tenant(ACME, (tx) => tx.selectFrom('approvals').select('title').execute())).map((r) => r.title);
    expect(titles.sort()).toEqual(['after', 'before']);
  });

  it('loses no acknowledged write while the connection flaps under load', async () => {
    const acknowledged: string[] = [];
    const statuses: number[] = [];
    let flapping = true;
    const flapper = (async () => {
      while (flapping) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        proxy.down();
        await new Promise((resolve) => setTimeout(resolve, 25));
        proxy.up();
      }
    })();
    // At least 8 waves, and on until the flapping has really cut some requests.
    for (let wave = 0; wave < 8 || (!statuses.includes(503) && wave < 40); wave += 1) {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => create(`flap ${wave}-${i}`)));
      for (const res of results) {
        statuses.push(res.status);
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else await expectUnavailable(res);
      }
    }
    flapping = false;
    await flapper;
    proxy.up();
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect(statuses).toContain(503); // the outage really happened
    expect(acknowledged.length).toBeGreaterThan(0);
    // Every acknowledged write is there, with its audit entry, read straight from the server.
    const stored = await db.store.tenant(ACME, (tx) => tx.selectFrom('approvals').select('id').where('id', 'in', acknowledged).execute());
    expect(stored.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    const audited = await db.store.tenant(ACME, (tx) => tx.selectFrom('audit_logs').select('resource_id').where('resource_id', 'in', acknowledged).execute());
    expect(audited).toHaveLength(acknowledged.length);
    const verify = await t.call(carol, 'GET', `/api/audit/verify?${q}`);
    expect(await verify.json()).toMatchObject({ ok: true });
  });

  it('survives its connections being terminated by the server (pg_terminate_backend)', async () => {
    expect((await create('warm the pool')).status).toBe(201);
    const name = new URL(db.url!).pathname.slice(1);
    const inFlight = Promise.all(Array.from({ length: 10 }, (_, i) => create(`terminated ${i}`)));
    const killed = await sql<{ n: number }>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = ${name} AND pid <> pg_backend_pid()`.execute(db.store.owner);
    expect(killed.rows[0]!.n).toBeGreaterThan(0);
    const statuses = (await inFlight).map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect((await create('after termination')).status).toBe(201);
    expect((await t.call(alice, 'GET', `/api/approvals?${q}&limit=1`)).status).toBe(200);
  });

  it('breaks an export cut mid-stream instead of ending it cleanly (a short file must not look complete)', async () => {
    const tenant = '/teams/outage-export';
    // 600 entries of ~20 kB: far more than socket buffers hold, so the export is mid-way when cut.
    await sql`INSERT INTO audit_logs (tenant_id, seq, actor_id, actor_name, action, resource_type, resource_id, metadata, created_at, prev_hash, hash)
      SELECT ${tenant}, g, 'bulk', 'Bulk', 'module.opened', 'module', 'm-' || g, jsonb_build_object('big', repeat('x', 20000)), now(), 'p', 'h'
      FROM generate_series(1, 600) AS g`.execute(db.store.owner);
    let server: ServerType;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    try {
      const manager = { ...PERSONAS.mark, groups: [tenant] };
      const res = await fetch(`http://127.0.0.1:${port}/api/audit/export?tenantId=${encodeURIComponent(tenant)}`, {
        headers: { authorization: `Bearer ${await t.issuer.token(manager)}` },
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      proxy.down(); // the export's transaction loses its connection mid-way
      let received = first.value!.length;
      const outcome = await (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return 'ended cleanly';
            received += value.length;
          }
        } catch {
          return 'broken';
        }
      })();
      expect(received).toBeLessThan(600 * 20_000);
      expect(outcome).toBe('broken');
    } finally {
      proxy.up();
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      });
    }
  });
});
