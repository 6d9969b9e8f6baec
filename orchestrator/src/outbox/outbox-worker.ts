import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { DataStore } from '../db/database.ts';
import type { OutboxDeliverer, OutboxMessage, DeliveryOutcome } from './outbox-delivery.ts';
import { decideRetry, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-schedule.ts';

/**
 * Delivers outbox rows. Claiming is a short transaction that leases due rows (FOR UPDATE SKIP
 * LOCKED, `locked_until`), so several instances share the work without double delivery; the
 * HTTP call happens outside any transaction; the outcome is recorded in another. A worker that
 * dies mid-call leaves a lease that expires, and the row is retried (at-least-once; deliverers
 * make repeats harmless). Rows sharing an order key go one at a time, oldest first.
 */
export interface OutboxWorkerOptions {
  store: DataStore;
  deliverers: readonly OutboxDeliverer[];
  logger: Logger;
  policy?: RetryPolicy;
  batchSize?: number;
  leaseMs?: number;
  /** Per-call time limit, so one hung target cannot hold a lease forever. */
  deliveryTimeoutMs?: number;
  now?: () => Date;
}

export interface OutboxRunResult {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
}

type ClaimedRow = { id: string; tenant_id: string; target: string; operation: string; payload: Record<string, unknown>; attempts: number; created_at: Date };

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  const byTarget = new Map(options.deliverers.map((d) => [d.target, d]));

  async function claim(): Promise<ClaimedRow[]> {
    const at = now();
    return options.store.system(async (tx) => {
      const result = await sql<ClaimedRow>`
        UPDATE outbox SET locked_until = ${new Date(at.getTime() + leaseMs)}, attempts = attempts + 1, updated_at = ${at}
        WHERE id IN (
          SELECT o.id FROM outbox o
          WHERE o.status = 'pending' AND o.next_attempt_at <= ${at}
            AND (o.locked_until IS NULL OR o.locked_until < ${at})
            AND (o.order_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM outbox earlier
              WHERE earlier.order_key = o.order_key AND earlier.status = 'pending'
                AND earlier.seq < o.seq))
          ORDER BY o.next_attempt_at, o.seq
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED)
        RETURNING id, tenant_id, target, operation, payload, attempts, created_at`.execute(tx);
      return result.rows;
    });
  }

  async function deliver(row: ClaimedRow): Promise<DeliveryOutcome> {
    const deliverer = byTarget.get(row.target);
    if (!deliverer) return { ok: false, retryable: false, error: `no deliverer for target ${row.target} (integration not configured)` };
    const message: OutboxMessage = { id: row.id, tenantId: row.tenant_id, target: row.target, operation: row.operation, payload: row.payload, attempts: row.attempts - 1, createdAt: row.created_at };
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        deliverer.deliver(message),
        new Promise<DeliveryOutcome>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, retryable: true, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
        }),
      ]);
    } catch (error) {
      return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  async function record(row: ClaimedRow, outcome: DeliveryOutcome): Promise<'delivered' | 'retried' | 'dead'> {
    const at = now();
    return options.store.system(async (tx) => {
      if (outcome.ok) {
        await tx.updateTable('outbox').set({ status: 'delivered', delivered_at: at, locked_until: null, last_error: null, updated_at: at }).where('id', '=', row.id).execute();
        return 'delivered';
      }
      const decision = decideRetry(row.attempts, outcome, policy);
      const error = outcome.error.slice(0, 2000);
      if (decision.kind === 'dead') {
        await tx.updateTable('outbox').set({ status: 'dead', locked_until: null, last_error: error, updated_at: at }).where('id', '=', row.id).execute();
        return 'dead';
      }
      await tx
        .updateTable('outbox')
        .set({ next_attempt_at: new Date(at.getTime() + decision.delayMs), locked_until: null, last_error: error, updated_at: at })
        .where('id', '=', row.id)
        .execute();
      return 'retried';
    });
  }

  /** One pass: claim a batch, deliver concurrently, record each outcome. */
  async function runOnce(): Promise<OutboxRunResult> {
    const rows = await claim();
    const result: OutboxRunResult = { claimed: rows.length, delivered: 0, retried: 0, dead: 0 };
    await Promise.all(
      rows.map(async (row) => {
        const outcome = await deliver(row);
        const state = await record(row, outcome);
        result[state] += 1;
        if (state === 'dead') options.logger.warn({ outboxId: row.id, target: row.target, operation: row.operation, error: outcome.ok ? null : outcome.error }, 'outbox row is dead');
        else if (state === 'retried') options.logger.info({ outboxId: row.id, target: row.target, attempt: row.attempts, error: outcome.ok ? null : outcome.error }, 'outbox delivery failed; will retry');
      }),
    );
    return result;
  }

  /** Drains everything currently due (tests, shutdown); stops when a pass claims nothing. */
  async function drain(maxPasses = 100): Promise<OutboxRunResult> {
    const total: OutboxRunResult = { claimed: 0, delivered: 0, retried: 0, dead: 0 };
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const result = await runOnce();
      for (const key of Object.keys(total) as Array<keyof OutboxRunResult>) total[key] += result[key];
      if (result.claimed === 0) break;
    }
    return total;
  }

  return { runOnce, drain };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
