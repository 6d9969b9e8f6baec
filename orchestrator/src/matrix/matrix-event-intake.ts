import type { DataStore } from '../db/database.ts';
import { recordInboundDelivery } from '../inbox/record-inbound-delivery.ts';
import { mayBeCommand, type ClientEvent } from './chat-commands.ts';
import { MATRIX_SOURCE } from './matrix-inbound-handler.ts';

/**
 * The receiving half of the application service: events pushed by the homeserver (or posted to
 * the webhook) are filtered to possible chat commands in tenant rooms and recorded as inbound
 * deliveries keyed by their event id. Event ids are unique per homeserver, so a replayed
 * transaction, a retried webhook or the same event by both paths is recorded once.
 * Everything else (ordinary chat, other rooms, the bot's own notices) is acknowledged, not kept.
 */
export interface IntakeResult {
  received: number;
  recorded: number;
  duplicates: number;
  ignored: number;
}

function asClientEvent(value: unknown): ClientEvent | null {
  if (!value || typeof value !== 'object') return null;
  const e = value as Record<string, unknown>;
  if (typeof e['event_id'] !== 'string' || e['event_id'].length > 200) return null;
  if (typeof e['type'] !== 'string' || typeof e['sender'] !== 'string' || typeof e['room_id'] !== 'string') return null;
  if (!e['content'] || typeof e['content'] !== 'object') return null;
  return {
    event_id: e['event_id'],
    type: e['type'],
    sender: e['sender'],
    room_id: e['room_id'],
    ...(typeof e['origin_server_ts'] === 'number' ? { origin_server_ts: e['origin_server_ts'] } : {}),
    ...(typeof e['state_key'] === 'string' ? { state_key: e['state_key'] } : {}),
    content: e['content'] as Record<string, unknown>,
  };
}

/** Room id -> tenant, read as the worker role; a mapping never changes once made, so hits are cached. */
export function createRoomTenantLookup(store: DataStore) {
  const known = new Map<string, string>();
  return async (roomId: string): Promise<string | null> => {
    const hit = known.get(roomId);
    if (hit) return hit;
    const row = await store.system((tx) => tx.selectFrom('tenant_settings').select('tenant_id').where('matrix_room_id', '=', roomId).executeTakeFirst());
    if (row) {
      if (known.size > 10_000) known.clear();
      known.set(roomId, row.tenant_id);
    }
    return row?.tenant_id ?? null;
  };
}

export type RoomTenantLookup = ReturnType<typeof createRoomTenantLookup>;

export async function recordMatrixEvents(store: DataStore, lookup: RoomTenantLookup, botUserId: string, events: readonly unknown[]): Promise<IntakeResult> {
  const result: IntakeResult = { received: events.length, recorded: 0, duplicates: 0, ignored: 0 };
  for (const raw of events) {
    const event = asClientEvent(raw);
    const tenantId = event && mayBeCommand(event, botUserId) ? await lookup(event.room_id) : null;
    if (!event || !tenantId) {
      result.ignored += 1;
      continue;
    }
    const { duplicate } = await recordInboundDelivery(store, { tenantId, source: MATRIX_SOURCE, deliveryId: event.event_id, eventType: event.type, payload: event });
    if (duplicate) result.duplicates += 1;
    else result.recorded += 1;
  }
  return result;
}
