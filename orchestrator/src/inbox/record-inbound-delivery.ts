import type { DataStore } from '../db/database.ts';

export interface InboundRecord {
  tenantId: string;
  source: string;
  deliveryId: string;
  eventType: string;
  payload: unknown;
}

/**
 * Stores a verified delivery before anything acts on it. The unique (tenant, source, delivery)
 * key makes redeliveries and concurrent duplicates a no-op: exactly one insert wins.
 */
export async function recordInboundDelivery(store: DataStore, record: InboundRecord): Promise<{ id: string | null; duplicate: boolean }> {
  const row = await store.tenant(record.tenantId, (tx) =>
    tx
      .insertInto('webhook_receipts')
      .values({
        tenant_id: record.tenantId,
        source: record.source,
        delivery_id: record.deliveryId,
        event_type: record.eventType,
        payload: JSON.stringify(record.payload),
        next_attempt_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'source', 'delivery_id']).doNothing())
      .returning('id')
      .executeTakeFirst(),
  );
  return row ? { id: row.id, duplicate: false } : { id: null, duplicate: true };
}
