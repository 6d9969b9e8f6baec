import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Bodies of jitsi-contrib's `event_sync` prosody component (README of
 * `event_sync/mod_event_sync_component.lua`): POSTs to `{api_prefix}/events/room/created`,
 * `/events/room/destroyed`, `/events/occupant/joined`, `/events/occupant/left`. Timestamps are
 * Unix seconds; occupant name/email/id come from the meeting token's `context.user` and may be
 * missing (a guest) or null. Unknown fields are tolerated, so a newer module version still
 * parses. event_sync sends no event id: one is derived from what identifies the event.
 */

const seconds = z.number().finite().nonnegative();
const optionalText = z.string().max(500).nullish();

export const OccupantSchema = z
  .object({
    occupant_jid: z.string().min(1).max(500),
    joined_at: seconds.nullish(),
    left_at: seconds.nullish(),
    name: optionalText,
    email: optionalText,
    id: optionalText,
  })
  .passthrough();

const base = {
  room_name: z.string().min(1).max(300),
  room_jid: z.string().min(1).max(500),
  is_breakout: z.boolean().optional(),
  breakout_room_id: z.string().nullish(),
};

export const RoomCreated = z.object({ event_name: z.literal('muc-room-created'), ...base, created_at: seconds }).passthrough();
export const RoomDestroyed = z
  .object({ event_name: z.literal('muc-room-destroyed'), ...base, created_at: seconds.nullish(), destroyed_at: seconds, all_occupants: z.array(OccupantSchema).max(5000).default([]) })
  .passthrough();
export const OccupantJoined = z.object({ event_name: z.literal('muc-occupant-joined'), ...base, occupant: OccupantSchema, active_occupants_count: z.number().optional() }).passthrough();
export const OccupantLeft = z.object({ event_name: z.literal('muc-occupant-left'), ...base, occupant: OccupantSchema, active_occupants_count: z.number().optional() }).passthrough();

export const EVENT_PATHS = {
  'room/created': RoomCreated,
  'room/destroyed': RoomDestroyed,
  'occupant/joined': OccupantJoined,
  'occupant/left': OccupantLeft,
} as const;

export type EventPath = keyof typeof EVENT_PATHS;
export type EventSyncEvent = z.infer<(typeof EVENT_PATHS)[EventPath]>;
export type Occupant = z.infer<typeof OccupantSchema>;

/** The consultation's room name: the MUC node of `room_jid` (lower-case, as Jitsi compares). */
export function roomNameOf(event: { room_name: string; room_jid: string }): string {
  const node = event.room_jid.includes('@') ? event.room_jid.split('@')[0]! : event.room_name;
  return decodeURIComponent(node).toLowerCase();
}

/** Stable id of one event: the same event retried by event_sync gets the same id. */
export function deliveryIdOf(event: EventSyncEvent): string {
  const parts: unknown[] = [event.event_name, event.room_jid];
  if (event.event_name === 'muc-room-created') parts.push(event.created_at);
  if (event.event_name === 'muc-room-destroyed') parts.push(event.created_at ?? null, event.destroyed_at);
  if (event.event_name === 'muc-occupant-joined' || event.event_name === 'muc-occupant-left') {
    parts.push(event.occupant.occupant_jid, event.occupant.joined_at ?? null, event.occupant.left_at ?? null);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Unix seconds -> Date (milliseconds tolerated: anything past year 33658 in seconds is ms). */
export function toDate(value: number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return new Date(value > 1e12 ? value : value * 1000);
}
