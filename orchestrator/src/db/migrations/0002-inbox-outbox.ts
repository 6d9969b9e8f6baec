import { sql, type Kysely } from 'kysely';

/**
 * Inbound webhook receipts (deduplicated per tenant, source and delivery id, processed later
 * from the record) and outbox ordering: rows sharing an `order_key` (e.g. one Chatwoot
 * conversation) are delivered oldest first, so a decision note never overtakes its escalation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_receipts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id text NOT NULL,
      source text NOT NULL,
      delivery_id text NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 200),
      event_type text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      UNIQUE (tenant_id, source, delivery_id)
    )`.execute(db);
  await sql`CREATE INDEX webhook_receipts_due ON webhook_receipts (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`SELECT wrrk_enable_tenant_rls('webhook_receipts'::regclass)`.execute(db);

  await sql`ALTER TABLE outbox ADD COLUMN order_key text`.execute(db);
  // Rows written in one transaction share created_at: `seq` orders them as they were enqueued.
  await sql`ALTER TABLE outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`.execute(db);
  await sql`CREATE INDEX outbox_order_key ON outbox (order_key, seq) WHERE status = 'pending' AND order_key IS NOT NULL`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0002-inbox-outbox is not reversible: restore from a backup instead');
}
