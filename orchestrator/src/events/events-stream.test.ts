import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../http/app-env.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { PERSONAS, startTestIssuer, type Persona, type TestIssuer } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';
import { createInProcessEventBus, type EventBus } from './event-bus.ts';
import { eventsRoutes } from './events-routes.ts';

/**
 * The live stream over real HTTP servers: tenant scoping, resume with Last-Event-ID, the
 * heartbeat, and fan-out between two orchestrator instances through Redis.
 */

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

interface Stream {
  frames: Frame[];
  /** Resolves with the first frame from `from` on that matches; rejects after `timeoutMs`. */
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  events(): Frame[];
  close(): void;
}

async function openStream(baseUrl: string, token: string, tenant: string, lastEventId?: string): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/events?tenantId=${encodeURIComponent(tenant)}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const frames: Frame[] = [];
  let notify = () => {};
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          const frame: Frame = {};
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const [field, ...rest] = line.split(':');
              const value = rest.join(':').replace(/^ /, '');
              if (field === 'id' || field === 'event') frame[field] = value;
              if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
            }
          }
          frames.push(frame);
          notify();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    frames,
    events: () => frames.filter((f) => f.event && f.event !== 'ready'),
    async next(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

async function listen(fetchHandler: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  let server: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const payload = (frame: Frame) => JSON.parse(frame.data ?? 'null') as { type: string; tenantId: string; data: { id: string; status?: string; action?: string } };
const uniqueTenant = (label: string) => `/organizations/${label}-${randomBytes(4).toString('hex')}`;
const memberOf = (persona: Persona, tenant: string): Persona => ({ ...persona, groups: [tenant] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// One database for the whole file (starting PGlite is the slow part); tenants keep tests apart.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

describe('SSE on one instance (in-process fan-out)', () => {
  let t: TestOrchestrator;
  let server: Awaited<ReturnType<typeof listen>>;
  const tenant = uniqueTenant('sse');
  const other = uniqueTenant('sse-other');
  const alice = memberOf(PERSONAS.alice, tenant);
  const carol = memberOf(PERSONAS.carol, tenant);
  const gus = memberOf(PERSONAS.gus, other);
  const q = `tenantId=${encodeURIComponent(tenant)}`;

  beforeAll(async () => {
    t = await startTestOrchestrator({ db, env: { SSE_HEARTBEAT_SECONDS: '1' } });
    server = await listen(t.app.fetch);
  });
  afterAll(async () => {
    await server.close();
    await t.shutdown();
  });

  const escalate = async (title: string) => {
    const res = await fetch(`${server.url}/api/approvals?${q}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.issuer.token(alice)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, priority: 'high' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };
  const decide = async (id: string) => {
    const res = await fetch(`${server.url}/api/approvals/${id}?${q}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await t.issuer.token(carol)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'approved', comment: 'fine' }),
    });
    expect(res.status).toBe(200);
  };

  it('streams approval.created, audit.appended and approval.updated to the tenant, and nothing to another tenant', async () => {
    const mine = await openStream(server.url, await t.issuer.token(alice), tenant);
    const theirs = await openStream(server.url, await t.issuer.token(gus), other);
    try {
      await mine.next((f) => f.event === 'ready');
      await theirs.next((f) => f.event === 'ready');
      const { id } = await escalate('live');
      await decide(id);
      const updated = await mine.next((f) => f.event === 'approval.updated');
      expect(payload(updated)).toMatchObject({ type: 'approval.updated', tenantId: tenant, data: { id, status: 'approved' } });
      expect(mine.events().map((f) => f.event)).toEqual(['audit.appended', 'approval.created', 'audit.appended', 'approval.updated']);
      const created = mine.events()[1]!;
      expect(payload(created)).toMatchObject({ type: 'approval.created', tenantId: tenant, data: { id, status: 'pending' } });
      expect(payload(mine.events()[2]!).data).toMatchObject({ action: 'approval.approved' });
      for (const frame of mine.events()) expect(frame.id).toMatch(/^[0-9a-z]+-[0-9a-f]{12}$/);
      await sleep(200);
      expect(theirs.events()).toEqual([]);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('refuses a stream of a tenant the caller does not belong to', async () => {
    const res = await fetch(`${server.url}/api/events?${q}`, { headers: { authorization: `Bearer ${await t.issuer.token(gus)}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'forbidden' });
    expect((await fetch(`${server.url}/api/events?${q}`)).status).toBe(401);
  });

  it('resumes with Last-Event-ID: exactly the missed events, in order, then live ones', async () => {
    const first = await openStream(server.url, await t.issuer.token(alice), tenant);
    const { id: a } = await escalate('before the drop');
    const seen = await first.next((f) => f.event === 'approval.created' && payload(f).data.id === a);
    first.close();

    const { id: b } = await escalate('while away');
    await decide(a);
    const resumed = await openStream(server.url, await t.issuer.token(alice), tenant, seen.id);
    try {
      await resumed.next((f) => f.event === 'approval.updated' && payload(f).data.id === a);
      await sleep(150);
      expect(resumed.events().map((f) => [f.event, payload(f).data.id ?? null])).toEqual([
        ['audit.appended', expect.any(String)],
        ['approval.created', b],
        ['audit.appended', expect.any(String)],
        ['approval.updated', a],
      ]);
      expect(resumed.events().some((f) => f.id === seen.id)).toBe(false);
      const { id: c } = await escalate('after the resume');
      await resumed.next((f) => f.event === 'approval.created' && payload(f).data.id === c);
    } finally {
      resumed.close();
    }
  });

  it('asks the client to resync when the Last-Event-ID is unknown', async () => {
    const stream = await openStream(server.url, await t.issuer.token(alice), tenant, 'zzzz-000000000000');
    try {
      const resync = await stream.next((f) => f.event === 'resync');
      expect(JSON.parse(resync.data!)).toMatchObject({ reason: expect.stringMatching(/no longer buffered/) });
    } finally {
      stream.close();
    }
  });

  it('sends a heartbeat comment at the configured interval', async () => {
    const stream = await openStream(server.url, await t.issuer.token(alice), tenant);
    try {
      const started = Date.now();
      await stream.next((f) => f.comment === 'heartbeat', 4_000);
      expect(Date.now() - started).toBeLessThan(3_000); // the default would be 30 s
    } finally {
      stream.close();
    }
  });
});

describe('SSE resume race', () => {
  it('sends an event that arrives while the stream is being opened exactly once', async () => {
    const inner = createInProcessEventBus();
    const tenant = '/organizations/race';
    let lastId = '';
    const stopCapture = inner.subscribe(tenant, (event) => (lastId = event.id));
    await inner.publish({ type: 'approval.created', tenantId: tenant, data: { n: 1 } });
    stopCapture();
    // A bus on which an event lands right after the stream subscribes (before it replays).
    let raced = false;
    const bus: EventBus = {
      ...inner,
      subscribe(t, listener) {
        const unsubscribe = inner.subscribe(t, listener);
        if (!raced) {
          raced = true;
          void inner.publish({ type: 'approval.updated', tenantId: t, data: { n: 2 } });
        }
        return unsubscribe;
      },
    };
    const app = new OpenAPIHono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('tenantId', tenant);
      await next();
    });
    app.route('/api/events', eventsRoutes(bus, 30));
    const server = await listen(app.fetch);
    const stream = await openStream(server.url, 'unused', tenant, lastId);
    try {
      await stream.next((f) => f.event === 'approval.updated');
      await sleep(150);
      expect(stream.events().map((f) => JSON.parse(f.data!).data.n)).toEqual([2]);
    } finally {
      stream.close();
      await server.close();
    }
  });
});

// Redis fan-out: CI sets REDIS_URL; locally, use the default server when one answers.
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

describe.runIf(redisReachable)('SSE across two orchestrator instances sharing the database and Redis', () => {
  let issuer: TestIssuer;
  let a: TestOrchestrator;
  let b: TestOrchestrator;
  let serverA: Awaited<ReturnType<typeof listen>>;
  let serverB: Awaited<ReturnType<typeof listen>>;
  // A tenant of its own: other test runs may share the Redis channel at the same time.
  const tenant = uniqueTenant('sse-redis');
  const alice = memberOf(PERSONAS.alice, tenant);
  const carol = memberOf(PERSONAS.carol, tenant);

  beforeAll(async () => {
    issuer = await startTestIssuer();
    a = await startTestOrchestrator({ db, issuer, env: { REDIS_URL: redisUrl } });
    b = await startTestOrchestrator({ db, issuer, env: { REDIS_URL: redisUrl } });
    serverA = await listen(a.app.fetch);
    serverB = await listen(b.app.fetch);
  });
  afterAll(async () => {
    await serverA?.close();
    await serverB?.close();
    await a?.shutdown();
    await b?.shutdown();
    await issuer?.close();
  });

  const post = async (server: { url: string }, title: string) => {
    const res = await fetch(`${server.url}/api/approvals?tenantId=${encodeURIComponent(tenant)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.token(alice)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, priority: 'urgent' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string };
  };

  it('delivers an approval created on instance A to a stream on instance B (and on A)', async () => {
    const onB = await openStream(serverB.url, await issuer.token(carol), tenant);
    const onA = await openStream(serverA.url, await issuer.token(carol), tenant);
    try {
      await onB.next((f) => f.event === 'ready');
      await onA.next((f) => f.event === 'ready');
      const { id } = await post(serverA, 'cross-instance');
      const seenOnB = await onB.next((f) => f.event === 'approval.created');
      expect(payload(seenOnB)).toMatchObject({ tenantId: tenant, data: { id, status: 'pending' } });
      const seenOnA = await onA.next((f) => f.event === 'approval.created');
      expect(seenOnA.id).toBe(seenOnB.id); // one event, one id, on every instance

      const res = await fetch(`${serverB.url}/api/approvals/${id}?tenantId=${encodeURIComponent(tenant)}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${await issuer.token(carol)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'approved' }),
      });
      expect(res.status).toBe(200);
      expect(payload(await onA.next((f) => f.event === 'approval.updated')).data).toMatchObject({ id, status: 'approved' });
    } finally {
      onB.close();
      onA.close();
    }
  });

  it('resumes on instance B with the id of an event first seen on instance A', async () => {
    const onA = await openStream(serverA.url, await issuer.token(carol), tenant);
    const { id: first } = await post(serverA, 'seen on A');
    const seen = await onA.next((f) => f.event === 'approval.created' && payload(f).data.id === first);
    onA.close();
    const { id: missed } = await post(serverA, 'missed');
    await sleep(100); // let B's subscriber take it from Redis into its buffer
    const onB = await openStream(serverB.url, await issuer.token(carol), tenant, seen.id);
    try {
      const replayed = await onB.next((f) => f.event === 'approval.created');
      expect(payload(replayed).data.id).toBe(missed);
      expect(onB.events().map((f) => f.event)).toEqual(['audit.appended', 'approval.created']);
    } finally {
      onB.close();
    }
  });
});
