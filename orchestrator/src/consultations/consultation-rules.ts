import { hasRole, type Principal } from '@wrrk/keycloak/principal.ts';
import type { ConsultationParticipant } from '../db/schema.ts';
import { conflict, forbidden } from '../http/app-error.ts';

/**
 * Business rules of consultations as plain functions: no HTTP, no SQL.
 *
 * Life cycle: scheduled -> active -> ended, never backwards. `ended` is final: a late Jitsi
 * event can still fill in who attended, but never reopens a consultation, and no new meeting
 * token is issued for it.
 */
export type ConsultationStatus = 'scheduled' | 'active' | 'ended';

export function assertMayCreate(principal: Principal): void {
  if (principal.roles.length === 0) throw forbidden('opening a consultation needs a staff role (agent, manager, ceo or admin)');
}

/** Start or end by hand: the host, or a manager, CEO or admin of the tenant. */
export function assertMayManage(principal: Principal, consultation: { hostId: string }): void {
  if (principal.id !== consultation.hostId && !hasRole(principal, 'manager', 'ceo', 'admin')) {
    throw forbidden('only the host, a manager, the CEO or an admin can start or end this consultation');
  }
}

export function assertMayStart(status: ConsultationStatus): void {
  if (status !== 'scheduled') throw conflict(`consultation is already ${status}`, { status });
}

export function assertMayEnd(status: ConsultationStatus): void {
  if (status === 'ended') throw conflict('consultation has already ended', { status });
}

export function assertMayJoin(status: ConsultationStatus): void {
  if (status === 'ended') throw conflict('consultation has ended; no new meeting tokens are issued', { status });
}

export interface LifecycleState {
  status: ConsultationStatus;
  startedAt: Date | null;
  endedAt: Date | null;
}

export type RoomActivity =
  /** Someone was in the room at `at` (room created, occupant joined or left). */
  | { kind: 'active'; at: Date }
  /** The room was destroyed at `at` (everyone left); `createdAt` is when it was created. */
  | { kind: 'destroyed'; at: Date; createdAt: Date | null };

const earliest = (a: Date | null, b: Date | null) => (a && b ? (a <= b ? a : b) : (a ?? b));

/**
 * Folds one piece of evidence from Jitsi into the state. Commutative enough for out-of-order
 * delivery: `startedAt` only moves earlier, `ended` is absorbing, and a destroyed room ends a
 * consultation even when none of its earlier events arrived.
 */
export function applyRoomActivity(state: LifecycleState, activity: RoomActivity): LifecycleState {
  if (activity.kind === 'active') {
    if (state.status === 'ended') {
      // Late evidence: may tell when it really started, never reopens.
      const startedAt = state.endedAt && activity.at <= state.endedAt ? earliest(state.startedAt, activity.at) : state.startedAt;
      return { ...state, startedAt };
    }
    return { status: 'active', startedAt: earliest(state.startedAt, activity.at), endedAt: null };
  }
  if (state.status === 'ended') return { ...state, startedAt: earliest(state.startedAt, activity.createdAt) };
  return { status: 'ended', startedAt: earliest(state.startedAt, activity.createdAt) ?? activity.at, endedAt: activity.at };
}

export interface OccupantSession {
  occupantJid: string;
  userId: string | null;
  name: string | null;
  joinedAt: Date | null;
  leftAt: Date | null;
}

/**
 * Who attended, one entry per person (sessions of the same user merged: reconnects, two
 * devices): first join, and the last leave, or null while any session is still open. Once the
 * consultation ended, open sessions count as left at its end.
 */
export function participantsFrom(sessions: readonly OccupantSession[], endedAt: Date | null): ConsultationParticipant[] {
  const byPerson = new Map<string, { name: string; joinedAt: Date | null; leftAt: Date | null; open: boolean }>();
  for (const s of sessions) {
    const key = s.userId ?? `occupant:${s.occupantJid}`;
    const entry = byPerson.get(key) ?? { name: s.name ?? s.userId ?? 'guest', joinedAt: null, leftAt: null, open: false };
    if (s.name) entry.name = s.name;
    entry.joinedAt = earliest(entry.joinedAt, s.joinedAt ?? s.leftAt);
    if (s.leftAt) entry.leftAt = entry.leftAt && entry.leftAt > s.leftAt ? entry.leftAt : s.leftAt;
    else entry.open = true;
    byPerson.set(key, entry);
  }
  return [...byPerson.entries()]
    .filter(([, e]) => e.joinedAt)
    .map(([userId, e]) => ({
      userId,
      name: e.name,
      joinedAt: e.joinedAt!.toISOString(),
      leftAt: e.open ? (endedAt ? endedAt.toISOString() : null) : (e.leftAt?.toISOString() ?? null),
    }))
    .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.userId.localeCompare(b.userId));
}
