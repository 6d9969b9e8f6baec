import type { Selectable } from 'kysely';
import type { AuditLogsTable } from '../db/schema.ts';
import type { ChainedFields } from './audit-hash.ts';

export interface AuditEntry extends ChainedFields {
  id: string;
  prevHash: string;
  hash: string;
}

/** Who did it. System jobs use a fixed actor so the trail never has a blank "who". */
export interface Actor {
  id: string;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'wrrk (automatic)' };

/** Where it came from: copied onto each entry for forensics. */
export interface RequestOrigin {
  requestId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

export const NO_ORIGIN: RequestOrigin = { requestId: null, ipAddress: null, userAgent: null };

export function toAuditEntry(row: Selectable<AuditLogsTable>): AuditEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    oldValue: row.old_value ?? null,
    newValue: row.new_value ?? null,
    metadata: row.metadata ?? {},
    requestId: row.request_id,
    ipAddress: row.ip_address,
    userAgent: row.user_agent,
    createdAt: row.created_at.toISOString(),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
