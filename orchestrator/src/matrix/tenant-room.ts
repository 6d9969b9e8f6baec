import { sql } from 'kysely';
import { tenantFromGroupPath } from '@wrrk/keycloak/principal.ts';
import { appendAuditEntry } from '../audit/append-audit-entry.ts';
import { NO_ORIGIN, SYSTEM_ACTOR, type Actor } from '../audit/audit-entry.ts';
import type { Tx } from '../db/database.ts';
import { inTenant, type WorkDeps } from '../db/tenant-work.ts';
import { RoomAliasInUse, type HomeserverClient } from './homeserver-client.ts';
import { roomAliasFor, roomAliasLocalpart } from './matrix-ids.ts';
import type { MatrixSettings } from './matrix-settings.ts';
import './matrix-tables.ts';

/**
 * One room per tenant. Finding it is idempotent and safe to race: the stored id wins; else the
 * alias is resolved (a previous attempt may have created the room and crashed before saving);
 * else the room is created with the alias, and if another worker took the alias a moment
 * earlier, its room is used. The id is then stored once (`matrix_room_id IS NULL` guard).
 */
export class NoTenantRoom extends Error {}

export async function storedRoomId(tx: Tx, tenantId: string): Promise<string | null> {
  const row = await tx.selectFrom('tenant_settings').select('matrix_room_id').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.matrix_room_id ?? null;
}

export async function tenantRoomName(tx: Tx, tenantId: string): Promise<string> {
  const row = await tx.selectFrom('tenant_settings').select('display_name').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.display_name ?? tenantFromGroupPath(tenantId)?.name ?? tenantId;
}

export interface EnsureRoomOptions {
  /** Users to invite when the room is created now (later members are invited by the sync). */
  invite?: string[];
  actor?: Actor;
}

export async function ensureTenantRoom(
  deps: WorkDeps,
  hs: HomeserverClient,
  settings: MatrixSettings,
  tenantId: string,
  options: EnsureRoomOptions = {},
): Promise<{ roomId: string; created: boolean }> {
  const known = await deps.store.tenant(tenantId, async (tx) => ({ roomId: await storedRoomId(tx, tenantId), name: await tenantRoomName(tx, tenantId) }));
  if (known.roomId) return { roomId: known.roomId, created: false };

  const aliasLocalpart = roomAliasLocalpart(tenantId, settings.aliasPrefix);
  const alias = roomAliasFor(tenantId, settings.aliasPrefix, settings.serverName);
  if (!aliasLocalpart || !alias) throw new NoTenantRoom(`tenant ${tenantId} has no Matrix room (only organisations and teams do)`);

  let roomId = await hs.resolveAlias(alias);
  let created = false;
  if (!roomId) {
    try {
      roomId = await hs.createRoom({
        aliasLocalpart,
        name: known.name,
        topic: `${known.name}: escalations, decisions and consultations from wrrk`,
        invite: [...new Set(options.invite ?? [])].filter((id) => id !== settings.botUserId),
      });
      created = true;
    } catch (error) {
      if (!(error instanceof RoomAliasInUse)) throw error;
      roomId = await hs.resolveAlias(alias);
      if (!roomId) throw error;
    }
  }

  const resolved = roomId;
  return inTenant(deps, tenantId, async (work) => {
    // Insert or fill in; never overwrite a room id another worker stored first.
    const wrote = await work.tx
      .insertInto('tenant_settings')
      .values({ tenant_id: tenantId, matrix_room_id: resolved, sla_minutes: sql<string>`DEFAULT`, updated_at: new Date() })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ matrix_room_id: resolved, updated_at: new Date() }).where('tenant_settings.matrix_room_id', 'is', null))
      .returning('matrix_room_id')
      .executeTakeFirst();
    const stored = wrote ? resolved : await storedRoomId(work.tx, tenantId);
    if (wrote) {
      await appendAuditEntry(work, {
        actor: options.actor ?? SYSTEM_ACTOR,
        action: created ? 'matrix.room.created' : 'matrix.room.linked',
        resourceType: 'matrix_room',
        resourceId: resolved,
        newValue: { roomId: resolved, alias },
        origin: NO_ORIGIN,
      });
    }
    return { roomId: stored ?? resolved, created: created && Boolean(wrote) };
  });
}
