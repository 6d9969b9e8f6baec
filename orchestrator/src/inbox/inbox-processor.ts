import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { DataStore } from '../db/database.ts';
import type { TenantEventInput, EventBus } from '../events/event-bus.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';
import { decideRetry, type RetryPolicy } from '../outbox/retry-schedule.ts';
import type { InboundDelivery, InboundHandler } from './inbound-handler.ts';

/**
 * Processes recorded webhook deliveries. Each receipt is claimed (FOR UPDATE SKIP LOCKED) and
 * handled in ONE transaction: the handler runs as the tenant's role (RLS applies) inside a
 * savepoint, and the receipt is marked processed in the same commit. So a delivery's effects
 * happen exactly once even across crashes and concurrent processors; a failing handler rolls
 * back to the savepoint and the receipt is retried with backoff, then parked as dead.
 */
export interface InboxProcessorOptions {
  store: DataStore;
  events: EventBus;
  handlers: readonly InboundHandler[];
  planners: readonly OutboundPlanner[];
  logger: Logger;
  policy?: RetryPolicy;
}

const INBOX_POLICY: RetryPolicy = { baseMs: 1_000, capMs: 15 * 60_000, maxAttempts: 8 };

type Outcome = 'processed' | 'retried' | 'dead' | 'idle';

export function createInboxProcessor(options: InboxProcessorOptions) {
  const policy = options.policy ?? INBOX_POLICY;
  const bySource = new Map(options.handlers.map((h) => [h.source, h]));

  async function processOne(): Promise<Outcome> {
    const pending: TenantEventInput[] = [];
    const outcome = await options.store.system(async (tx): Promise<Outcome> => {
      const row = await tx
        .selectFrom('webhook_receipts')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', new Date())
        .orderBy('received_at')
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return 'idle';
      const delivery: InboundDelivery = {
        id: row.id,
        tenantId: row.tenant_id,
        source: row.source,
        deliveryId: row.delivery_id,
        eventType: row.event_type,
        payload: row.payload,
        receivedAt: row.received_at,
        attempts: row.attempts,
      };
      const handler = bySource.get(row.source);
      // From here on, act as the tenant: the handler cannot touch another tenant's rows.
      await sql`SELECT set_config('role', 'wrrk_app', true), set_config('app.tenant_id', ${row.tenant_id}, true)`.execute(tx);
      let failure: string | null = handler ? null : `no handler for source ${row.source}`;
      if (handler) {
        await sql`SAVEPOINT inbound_handler`.execute(tx);
        const emitted: TenantEventInput[] = [];
        try {
          await handler.handle(delivery, {
            work: { tx, tenantId: row.tenant_id, emit: (event) => emitted.push({ tenantId: row.tenant_id, ...event }) },
            planners: options.planners,
          });
          await sql`RELEASE SAVEPOINT inbound_handler`.execute(tx);
          pending.push(...emitted);
        } catch (error) {
          await sql`ROLLBACK TO SAVEPOINT inbound_handler`.execute(tx);
          failure = (error as Error)?.message ?? String(error);
          options.logger.warn({ receiptId: row.id, source: row.source, eventType: row.event_type, err: failure }, 'inbound delivery failed');
        }
      }
      const now = new Date();
      if (failure === null) {
        await tx.updateTable('webhook_receipts').set({ status: 'processed', processed_at: now, attempts: row.attempts + 1, last_error: null }).where('id', '=', row.id).execute();
        return 'processed';
      }
      const decision = decideRetry(row.attempts + 1, { retryable: Boolean(handler) }, policy);
      await tx
        .updateTable('webhook_receipts')
        .set({
          attempts: row.attempts + 1,
          last_error: failure.slice(0, 2000),
          ...(decision.kind === 'dead' ? { status: 'dead' as const } : { next_attempt_at: new Date(now.getTime() + decision.delayMs) }),
        })
        .where('id', '=', row.id)
        .execute();
      return decision.kind === 'dead' ? 'dead' : 'retried';
    });
    for (const event of pending) await options.events.publish(event).catch(() => {});
    return outcome;
  }

  /** Processes until nothing is due; returns how many receipts reached each outcome. */
  async function drain(max = 1000) {
    const counts = { processed: 0, retried: 0, dead: 0 };
    for (let i = 0; i < max; i += 1) {
      const outcome = await processOne();
      if (outcome === 'idle') break;
      counts[outcome] += 1;
    }
    return counts;
  }

  return { processOne, drain };
}

export type InboxProcessor = ReturnType<typeof createInboxProcessor>;
