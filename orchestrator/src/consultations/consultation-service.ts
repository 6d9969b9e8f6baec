import type { Principal } from '@wrrk/keycloak/principal.ts';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import type { Actor, RequestOrigin } from '../audit/audit-entry.ts';
import type { Tx } from '../db/database.ts';
import type { ConsultationParticipant } from '../db/schema.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import { notFound } from '../http/app-error.ts';
import { planOutbound, type OutboundPlanner } from '../integrations/domain-events.ts';
import { newRoomName } from '../jitsi/room-names.ts';
import { consultationSnapshot, toConsultation, type Consultation } from './consultation-model.ts';
import {
  applyRoomActivity,
  assertMayCreate,
  assertMayEnd,
  assertMayManage,
  assertMayStart,
  participantsFrom,
  type OccupantSession,
  type RoomActivity,
} from './consultation-rules.ts';
import './consultation-tables.ts';

/**
 * Consultations: stored, audited and published in one transaction per change. Creating one
 * announces it to the integrations (`consultation.opened`: a Matrix notice with the join link);
 * every change is a `consultation.updated` live event for the shell.
 */
export interface ConsultationContext {
  work: TenantWork;
  planners: readonly OutboundPlanner[];
  origin: RequestOrigin;
  /** Public URL of the shell, for the join link (`/app/consultations/:id`). */
  shellUrl: string;
  now?: Date;
}

export interface CreateConsultationInput {
  title: string;
  approvalId?: string | undefined;
  scheduledAt?: string | undefined;
}

export const joinUrl = (shellUrl: string, id: string) => `${shellUrl.replace(/\/+$/, '')}/app/consultations/${id}`;

async function lockConsultation(tx: Tx, tenantId: string, id: string) {
  const row = await tx.selectFrom('consultations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('consultation');
  return toConsultation(row);
}

export async function getConsultation(tx: Tx, tenantId: string, id: string): Promise<Consultation> {
  const row = await tx.selectFrom('consultations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('consultation');
  return toConsultation(row);
}

export async function createConsultation(ctx: ConsultationContext, host: Principal, input: CreateConsultationInput): Promise<Consultation> {
  const { work } = ctx;
  const now = ctx.now ?? new Date();
  assertMayCreate(host);
  if (input.approvalId) {
    const approval = await work.tx.selectFrom('approvals').select('id').where('tenant_id', '=', work.tenantId).where('id', '=', input.approvalId).executeTakeFirst();
    if (!approval) throw notFound('approval');
  }
  const row = await work.tx
    .insertInto('consultations')
    .values({
      tenant_id: work.tenantId,
      approval_id: input.approvalId ?? null,
      title: input.title,
      room_name: newRoomName(),
      status: 'scheduled',
      host_id: host.id,
      host_name: host.name,
      participants: '[]',
      scheduled_at: input.scheduledAt ? new Date(input.scheduledAt) : null,
      created_by: host.id,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const consultation = toConsultation(row);
  await appendAuditEntry(work, {
    actor: host,
    action: 'consultation.created',
    resourceType: 'consultation',
    resourceId: consultation.id,
    newValue: consultationSnapshot(consultation),
    metadata: consultation.approvalId ? { approvalId: consultation.approvalId } : {},
    origin: ctx.origin,
  }, now);
  await planOutbound(work.tx, ctx.planners, {
    type: 'consultation.opened',
    consultation: {
      id: consultation.id,
      tenantId: consultation.tenantId,
      approvalId: consultation.approvalId,
      title: consultation.title,
      roomName: consultation.roomName,
      hostName: consultation.hostName,
      joinUrl: joinUrl(ctx.shellUrl, consultation.id),
    },
  });
  work.emit({ type: 'consultation.updated', data: consultation });
  return consultation;
}

async function changeLifecycle(ctx: ConsultationContext, actor: Principal, id: string, to: 'active' | 'ended'): Promise<Consultation> {
  const { work } = ctx;
  const now = ctx.now ?? new Date();
  const before = await lockConsultation(work.tx, work.tenantId, id);
  assertMayManage(actor, before);
  if (to === 'active') assertMayStart(before.status);
  else assertMayEnd(before.status);

  const sessions = await loadSessions(work.tx, work.tenantId, id);
  const updated = await work.tx
    .updateTable('consultations')
    .set({
      status: to,
      ...(to === 'active' ? { started_at: now } : { ended_at: now, started_at: before.startedAt ? new Date(before.startedAt) : now }),
      participants: JSON.stringify(participantsFrom(sessions, to === 'ended' ? now : null)),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const consultation = toConsultation(updated);
  await appendAuditEntry(work, {
    actor,
    action: to === 'active' ? 'consultation.started' : 'consultation.ended',
    resourceType: 'consultation',
    resourceId: id,
    oldValue: consultationSnapshot(before),
    newValue: consultationSnapshot(consultation),
    metadata: { via: 'manual' },
    origin: ctx.origin,
  }, now);
  work.emit({ type: 'consultation.updated', data: consultation });
  return consultation;
}

export const startConsultation = (ctx: ConsultationContext, actor: Principal, id: string) => changeLifecycle(ctx, actor, id, 'active');
export const endConsultation = (ctx: ConsultationContext, actor: Principal, id: string) => changeLifecycle(ctx, actor, id, 'ended');

// ---- what Jitsi reports ----------------------------------------------------------------------

async function loadSessions(tx: Tx, tenantId: string, consultationId: string): Promise<OccupantSession[]> {
  const rows = await tx.selectFrom('consultation_occupancies').selectAll().where('tenant_id', '=', tenantId).where('consultation_id', '=', consultationId).execute();
  return rows.map((r) => ({ occupantJid: r.occupant_jid, userId: r.user_id, name: r.name, joinedAt: r.joined_at, leftAt: r.left_at }));
}

export interface OccupantObservation {
  occupantJid: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  joinedAt: Date | null;
  leftAt: Date | null;
}

export interface RoomObservation {
  activity: RoomActivity;
  occupants: OccupantObservation[];
  /** The prosody event, for the audit entry's metadata. */
  eventName: string;
}

const later = (a: Date | null, b: Date | null) => (a && b ? (a >= b ? a : b) : (a ?? b));
const sooner = (a: Date | null, b: Date | null) => (a && b ? (a <= b ? a : b) : (a ?? b));
const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
// jsonb does not keep key order: compare participants field by field.
const participantKey = (list: readonly ConsultationParticipant[]) => JSON.stringify(list.map((p) => [p.userId, p.name, p.joinedAt, p.leftAt]));

export const JITSI_ACTOR: Actor = { id: 'jitsi', name: 'Jitsi (prosody event_sync)' };

/**
 * Merges one prosody event into the consultation. Each occupant session keeps its earliest
 * join and latest leave, whatever order the events arrive in; a destroyed room closes the
 * sessions still open at its destruction time. Returns null when nothing changed (a repeat).
 */
export async function applyRoomObservation(work: TenantWork, consultationId: string, observation: RoomObservation, origin: RequestOrigin): Promise<Consultation | null> {
  const before = await lockConsultation(work.tx, work.tenantId, consultationId);
  const existing = new Map((await loadSessions(work.tx, work.tenantId, consultationId)).map((s) => [s.occupantJid, s]));
  const now = new Date();
  const closeAt = observation.activity.kind === 'destroyed' ? observation.activity.at : null;

  let joined: OccupantObservation | null = null;
  let left: OccupantObservation | null = null;
  const observed = new Map(observation.occupants.map((o) => [o.occupantJid, o]));
  if (closeAt) for (const [jid, s] of existing) if (!observed.has(jid) && !s.leftAt) observed.set(jid, { ...s, email: null, leftAt: closeAt });

  for (const o of observed.values()) {
    const old = existing.get(o.occupantJid);
    const merged: OccupantSession = {
      occupantJid: o.occupantJid,
      userId: o.userId ?? old?.userId ?? null,
      name: o.name ?? old?.name ?? null,
      joinedAt: sooner(old?.joinedAt ?? null, o.joinedAt),
      leftAt: later(old?.leftAt ?? null, o.leftAt ?? (closeAt && !old?.leftAt ? closeAt : null)),
    };
    if (old && sameTime(old.joinedAt, merged.joinedAt) && sameTime(old.leftAt, merged.leftAt) && old.userId === merged.userId && old.name === merged.name) continue;
    await work.tx
      .insertInto('consultation_occupancies')
      .values({ tenant_id: work.tenantId, consultation_id: consultationId, occupant_jid: o.occupantJid, user_id: merged.userId, name: merged.name, email: o.email, joined_at: merged.joinedAt, left_at: merged.leftAt, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['consultation_id', 'occupant_jid']).doUpdateSet({ user_id: merged.userId, name: merged.name, joined_at: merged.joinedAt, left_at: merged.leftAt, updated_at: now }),
      )
      .execute();
    existing.set(o.occupantJid, merged);
    if (!old) joined = o;
    if (merged.leftAt && !old?.leftAt) left = o;
  }

  const lifecycle = applyRoomActivity(
    { status: before.status, startedAt: before.startedAt ? new Date(before.startedAt) : null, endedAt: before.endedAt ? new Date(before.endedAt) : null },
    observation.activity,
  );
  const participants = participantsFrom([...existing.values()], lifecycle.status === 'ended' ? lifecycle.endedAt : null);
  const unchanged =
    lifecycle.status === before.status &&
    sameTime(lifecycle.startedAt, before.startedAt ? new Date(before.startedAt) : null) &&
    sameTime(lifecycle.endedAt, before.endedAt ? new Date(before.endedAt) : null) &&
    participantKey(participants) === participantKey(before.participants);
  if (unchanged) return null;

  const updated = await work.tx
    .updateTable('consultations')
    .set({ status: lifecycle.status, started_at: lifecycle.startedAt, ended_at: lifecycle.endedAt, participants: JSON.stringify(participants), updated_at: now })
    .where('id', '=', consultationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const consultation = toConsultation(updated);

  // One entry per event, named by its most important effect.
  const person = joined ?? left;
  const action =
    before.status !== consultation.status
      ? consultation.status === 'active' ? 'consultation.started' : 'consultation.ended'
      : joined ? 'consultation.participant_joined' : left ? 'consultation.participant_left' : 'consultation.updated';
  const actor: Actor = person && (action.includes('participant') || observation.activity.kind === 'active') && person.userId ? { id: person.userId, name: person.name ?? person.userId } : JITSI_ACTOR;
  await appendAuditEntry(work, {
    actor,
    action,
    resourceType: 'consultation',
    resourceId: consultationId,
    oldValue: { ...consultationSnapshot(before), participants: before.participants },
    newValue: { ...consultationSnapshot(consultation), participants: consultation.participants },
    metadata: { via: 'jitsi', event: observation.eventName, ...(person ? { occupantJid: person.occupantJid } : {}) },
    origin,
  }, now);
  work.emit({ type: 'consultation.updated', data: consultation });
  return consultation;
}
