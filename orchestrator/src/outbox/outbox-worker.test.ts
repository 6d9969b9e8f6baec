import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataStore } from '../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { startHttpTarget, type HttpTarget } from '../testing/http-target.ts';
import { enqueueOutbox } from './enqueue-outbox.ts';
import { outcomeFromError, outcomeFromResponse, type OutboxDeliverer } from './outbox-delivery.ts';
import { createOutboxWorker } from './outbox-worker.ts';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let store: DataStore;
let target: HttpTarget;

/** Delivers each row as one POST to the local target, body = the row's payload. */
const httpDeliverer = (): OutboxDeliverer => ({
  target: 'test',
  async deliver(message) {
    try {
      const response = await fetch(`${target.url}/${message.operation}`, { method: 'POST', body: JSON.stringify({ id: message.id, ...message.payload }) });
      return outcomeFromResponse(response, 'test target');
    } catch (error) {
      return outcomeFromError(error, 'test target');
    }
  },
});

const fastPolicy = { baseMs: 1, capMs: 5, maxAttempts: 3 };

async function enqueue(count: number, options: { tenantId?: string; orderKey?: string; operation?: string } = {}) {
  const tenantId = options.tenantId ?? 'tenant-a';
  await store.tenant(tenantId, (tx) =>
    enqueueOutbox(
      tx,
      Array.from({ length: count }, (_, i) => ({
        tenantId,
        target: 'test',
        operation: options.operation ?? 'note',
        payload: { n: i },
        ...(options.orderKey ? { orderKey: options.orderKey } : {}),
      })),
    ),
  );
}

const statuses = () => store.system((tx) => tx.selectFrom('outbox').select(['status', 'attempts', 'last_error', 'next_attempt_at']).execute());

beforeAll(async () => {
  db = await createTestDatabase();
  store = db.store;
  target = await startHttpTarget();
});
afterAll(async () => {
  await target.close();
  await db.close();
});
beforeEach(async () => {
  target.requests.length = 0;
  target.respond(() => ({ status: 200 }));
  await store.owner.deleteFrom('outbox').execute(); // the app roles may not delete: cleanup is the owner's
});

describe('outbox worker', () => {
  it('delivers every row once and marks it delivered', async () => {
    await enqueue(5);
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger });
    const result = await worker.drain();
    expect(result).toMatchObject({ delivered: 5, retried: 0, dead: 0 });
    expect(target.requests).toHaveLength(5);
    expect((await statuses()).every((row) => row.status === 'delivered')).toBe(true);
  });

  it('shares the work between concurrent workers without double delivery', async () => {
    await enqueue(60);
    const workers = Array.from({ length: 4 }, () => createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, batchSize: 5 }));
    target.respond(() => ({ status: 200, delayMs: 5 }));
    await Promise.all(workers.map((w) => w.drain()));
    const ids = target.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('retries on 5xx with backoff, then succeeds once the target is back', async () => {
    await enqueue(3);
    let down = true;
    target.respond(() => (down ? { status: 503 } : { status: 200 }));
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, policy: { baseMs: 1, capMs: 2, maxAttempts: 10 } });
    const first = await worker.runOnce();
    expect(first).toMatchObject({ claimed: 3, retried: 3 });
    expect((await statuses()).every((row) => row.status === 'pending' && row.last_error?.includes('503'))).toBe(true);
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.drain();
    expect((await statuses()).every((row) => row.status === 'delivered')).toBe(true);
    expect(target.requests.filter((r) => r.method === 'POST')).toHaveLength(6); // 3 failed + 3 delivered, nothing twice after success
  });

  it('honours 429 Retry-After', async () => {
    await enqueue(1);
    target.respond(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, policy: { baseMs: 1, capMs: 3_600_000, maxAttempts: 5 } });
    const before = Date.now();
    await worker.runOnce();
    const [row] = await statuses();
    expect(row!.status).toBe('pending');
    expect(row!.next_attempt_at.getTime() - before).toBeGreaterThanOrEqual(119_000);
    expect((await worker.runOnce()).claimed).toBe(0); // not due yet
  });

  it('parks a row as dead after a permanent failure or when the schedule runs out', async () => {
    await enqueue(1, { operation: 'rejected' });
    await enqueue(1, { operation: 'flaky' });
    target.respond((request) => (request.path === '/rejected' ? { status: 422 } : { status: 500 }));
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, policy: fastPolicy });
    for (let i = 0; i < 5; i += 1) {
      await worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const rows = await store.system((tx) => tx.selectFrom('outbox').select(['operation', 'status', 'attempts']).orderBy('operation').execute());
    expect(rows).toEqual([
      { operation: 'flaky', status: 'dead', attempts: 3 },
      { operation: 'rejected', status: 'dead', attempts: 1 },
    ]);
  });

  it('marks rows for an unconfigured target dead instead of looping', async () => {
    await store.tenant('tenant-a', (tx) => enqueueOutbox(tx, [{ tenantId: 'tenant-a', target: 'nowhere', operation: 'x', payload: {} }]));
    const result = await createOutboxWorker({ store, deliverers: [httpDeliverer()], logger }).drain();
    expect(result.dead).toBe(1);
  });

  it('delivers rows sharing an order key one at a time, oldest first, even across a retry', async () => {
    await enqueue(1, { orderKey: 'conv:1', operation: 'first' });
    await enqueue(1, { orderKey: 'conv:1', operation: 'second' });
    await enqueue(1, { orderKey: 'conv:2', operation: 'other' });
    let failFirst = true;
    target.respond((request) => {
      if (request.path === '/first' && failFirst) {
        failFirst = false;
        return { status: 503 };
      }
      return { status: 200 };
    });
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, policy: { baseMs: 1, capMs: 2, maxAttempts: 5 } });
    await worker.runOnce(); // first fails, second waits behind it, other goes
    expect(target.requests.map((r) => r.path).sort()).toEqual(['/first', '/other']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.drain();
    // The first pass delivers concurrently; after it, the same key goes strictly in order.
    expect(target.requests.slice(2).map((r) => r.path)).toEqual(['/first', '/second']);
  });

  it('keeps the enqueue order of rows written in one transaction', async () => {
    await store.tenant('tenant-a', (tx) =>
      enqueueOutbox(tx, ['a', 'b', 'c'].map((operation) => ({ tenantId: 'tenant-a', target: 'test', operation, payload: {}, orderKey: 'conv:9' }))),
    );
    let failed = false;
    target.respond((request) => (request.path === '/a' && !failed ? ((failed = true), { status: 503 }) : { status: 200 }));
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, policy: { baseMs: 1, capMs: 2, maxAttempts: 5 } });
    for (let i = 0; i < 5; i += 1) {
      await worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(target.requests.map((r) => r.path)).toEqual(['/a', '/a', '/b', '/c']);
  });

  it('times out a hung target and retries, so a lease is never held forever', async () => {
    await enqueue(1);
    target.respond(() => ({ status: 200, delayMs: 300 }));
    const worker = createOutboxWorker({ store, deliverers: [httpDeliverer()], logger, deliveryTimeoutMs: 50, policy: { baseMs: 1, capMs: 2, maxAttempts: 5 } });
    expect(await worker.runOnce()).toMatchObject({ retried: 1 });
    const [row] = await statuses();
    expect(row!.last_error).toMatch(/no answer within 50 ms/);
  });
});
