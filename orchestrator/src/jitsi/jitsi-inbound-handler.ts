import { applyRoomObservation, type OccupantObservation, type RoomObservation } from '../consultations/consultation-service.ts';
import type { InboundContext, InboundDelivery, InboundHandler } from '../inbox/inbound-handler.ts';
import { toDate, type EventSyncEvent, type Occupant } from './event-sync-payloads.ts';

/**
 * Applies recorded prosody event_sync deliveries (source `jitsi`) to their consultation:
 * room created / occupant joined or left are evidence someone was in the room (scheduled ->
 * active, participants recorded); room destroyed ends it. See `applyRoomObservation` for how
 * out-of-order and repeated events merge.
 */
export const JITSI_SOURCE = 'jitsi';

export interface RecordedJitsiEvent {
  consultationId: string;
  event: EventSyncEvent;
}

function occupant(o: Occupant): OccupantObservation {
  return { occupantJid: o.occupant_jid, userId: o.id || null, name: o.name || null, email: o.email || null, joinedAt: toDate(o.joined_at), leftAt: toDate(o.left_at) };
}

export function observationOf(event: EventSyncEvent, receivedAt: Date): RoomObservation {
  switch (event.event_name) {
    case 'muc-room-created':
      return { eventName: event.event_name, activity: { kind: 'active', at: toDate(event.created_at)! }, occupants: [] };
    case 'muc-occupant-joined':
    case 'muc-occupant-left': {
      const o = occupant(event.occupant);
      return { eventName: event.event_name, activity: { kind: 'active', at: o.joinedAt ?? o.leftAt ?? receivedAt }, occupants: [o] };
    }
    case 'muc-room-destroyed':
      return {
        eventName: event.event_name,
        activity: { kind: 'destroyed', at: toDate(event.destroyed_at)!, createdAt: toDate(event.created_at) },
        occupants: event.all_occupants.map(occupant),
      };
  }
}

export function createJitsiInboundHandler(): InboundHandler {
  return {
    source: JITSI_SOURCE,
    async handle(delivery: InboundDelivery, context: InboundContext) {
      const { consultationId, event } = delivery.payload as RecordedJitsiEvent;
      await applyRoomObservation(context.work, consultationId, observationOf(event, delivery.receivedAt), {
        requestId: `jitsi:${delivery.deliveryId.slice(0, 40)}`,
        ipAddress: null,
        userAgent: 'prosody event_sync',
      });
    },
  };
}
