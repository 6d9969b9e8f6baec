import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import type { DataStore } from '../db/database.ts';
import { createInProcessEventBus } from '../events/event-bus.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { InboundHandler } from './inbound-handler.ts';
import { createInboxProcessor } from './inbox-processor.ts';
import { recordInboundDelivery } from './record-inbound-delivery.ts';

const logger = pino({ level: 'silent' });
let db: TestDatabase;
let store: DataStore;

beforeAll(async () => {
  db = await createTestDatabase();
  store = db.store;
});
afterAll(() => db.close());
beforeEach(async () => {
  await store.owner.deleteFrom('webhook_receipts').execute();
});

/** A handler with a visible effect: one audit entry per delivery, in the tenant's chain. */
const auditingHandler = (options: { failTimes?: number } = {}): InboundHandler & { calls: number } => {
  let failures = options.failTimes ?? 0;
  const handler = {
    source: 'test',
    calls: 0,
    async handle(delivery: Parameters<InboundHandler['handle']>[0], { work }: Parameters<InboundHandler['handle']>[1]) {
      handler.calls += 1;
      await appendAuditEntry(work, {
        actor: { id: 'system', name: 'test' },
        action: 'webhook.handled',
        resourceType: 'delivery',
        resourceId: delivery.deliveryId,
        origin: { requestId: null, ipAddress: null, userAgent: null },
      });
      if (failures > 0) {
        failures -= 1;
        throw new Error('downstream hiccup');
      }
    },
  };
  return handler;
};

const auditCount = (tenantId: string, deliveryId: string) =>
  store.tenant(tenantId, async (tx) => (await tx.selectFrom('audit_logs').select('id').where('resource_id', '=', deliveryId).execute()).length);

describe('inbound receipts', () => {
  it('records 100 concurrent copies of one delivery exactly once', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, () => recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: 'dup-1', eventType: 'x', payload: { a: 1 } })),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await store.owner.selectFrom('webhook_receipts').select('id').execute()).toHaveLength(1);
  });

  it('keeps the same delivery id apart per tenant', async () => {
    const a = await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: 'same', eventType: 'x', payload: {} });
    const b = await recordInboundDelivery(store, { tenantId: 'tenant-b', source: 'test', deliveryId: 'same', eventType: 'x', payload: {} });
    expect([a.duplicate, b.duplicate]).toEqual([false, false]);
    const seenByA = await store.tenant('tenant-a', (tx) => tx.selectFrom('webhook_receipts').select('tenant_id').execute());
    expect(seenByA).toEqual([{ tenant_id: 'tenant-a' }]);
  });
});

describe('inbox processor', () => {
  it('has each delivery take effect once, even with concurrent processors', async () => {
    for (let i = 0; i < 30; i += 1) await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: `d-${i}`, eventType: 'x', payload: {} });
    const handler = auditingHandler();
    const processors = Array.from({ length: 3 }, () => createInboxProcessor({ store, events: createInProcessEventBus(), handlers: [handler], planners: [], logger }));
    const counts = await Promise.all(processors.map((p) => p.drain()));
    expect(counts.reduce((sum, c) => sum + c.processed, 0)).toBe(30);
    expect(handler.calls).toBe(30);
    for (let i = 0; i < 30; i += 1) expect(await auditCount('tenant-a', `d-${i}`)).toBe(1);
  });

  it('rolls back a failed attempt\'s effects and retries until it succeeds', async () => {
    await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: 'flaky', eventType: 'x', payload: {} });
    const handler = auditingHandler({ failTimes: 2 });
    const processor = createInboxProcessor({ store, events: createInProcessEventBus(), handlers: [handler], planners: [], logger, policy: { baseMs: 1, capMs: 2, maxAttempts: 5 } });
    expect(await processor.processOne()).toBe('retried');
    await new Promise((r) => setTimeout(r, 5));
    expect(await processor.processOne()).toBe('retried');
    await new Promise((r) => setTimeout(r, 5));
    expect(await processor.processOne()).toBe('processed');
    expect(handler.calls).toBe(3);
    expect(await auditCount('tenant-a', 'flaky')).toBe(1); // the two failed attempts left nothing behind
    const [receipt] = await store.owner.selectFrom('webhook_receipts').selectAll().execute();
    expect(receipt).toMatchObject({ status: 'processed', attempts: 3, last_error: null });
  });

  it('parks a delivery as dead when its retries run out, and one without a handler at once', async () => {
    await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: 'broken', eventType: 'x', payload: {} });
    await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'unknown-system', deliveryId: 'orphan', eventType: 'x', payload: {} });
    const processor = createInboxProcessor({ store, events: createInProcessEventBus(), handlers: [auditingHandler({ failTimes: 99 })], planners: [], logger, policy: { baseMs: 1, capMs: 1, maxAttempts: 2 } });
    for (let i = 0; i < 4; i += 1) {
      await processor.drain();
      await new Promise((r) => setTimeout(r, 5));
    }
    const rows = await store.owner.selectFrom('webhook_receipts').select(['delivery_id', 'status', 'last_error']).orderBy('delivery_id').execute();
    expect(rows).toEqual([
      { delivery_id: 'broken', status: 'dead', last_error: 'downstream hiccup' },
      { delivery_id: 'orphan', status: 'dead', last_error: 'no handler for source unknown-system' },
    ]);
  });

  it('runs the handler as the delivery\'s tenant: other tenants\' rows are invisible', async () => {
    await store.tenant('tenant-b', (tx) =>
      appendAuditEntry({ tx, tenantId: 'tenant-b', emit: () => {} }, { actor: { id: 'x', name: 'x' }, action: 'secret', resourceType: 'r', resourceId: '1', origin: { requestId: null, ipAddress: null, userAgent: null } }),
    );
    await recordInboundDelivery(store, { tenantId: 'tenant-a', source: 'test', deliveryId: 'peek', eventType: 'x', payload: {} });
    let seen: string[] = [];
    const peeking: InboundHandler = {
      source: 'test',
      async handle(_delivery, { work }) {
        seen = (await work.tx.selectFrom('audit_logs').select('tenant_id').execute()).map((r) => r.tenant_id);
      },
    };
    await createInboxProcessor({ store, events: createInProcessEventBus(), handlers: [peeking], planners: [], logger }).drain();
    expect(seen).not.toContain('tenant-b');
  });
});
