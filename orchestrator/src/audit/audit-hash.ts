import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The tamper-evident chain: each entry's hash covers its own fields and the previous entry's
 * hash, per tenant. Fields are encoded with RFC 8785 (JSON Canonicalization Scheme), so anyone
 * can recompute a hash from an export with any JCS implementation.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  tenantId: string;
  seq: number;
  actorId: string;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string;
  oldValue: unknown;
  newValue: unknown;
  metadata: Record<string, unknown>;
  requestId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
}

export function hashAuditEntry(prevHash: string, fields: ChainedFields): string {
  // Name each covered field: callers pass whole stored entries (with id and hash), which must
  // hash exactly like the fields did at append time.
  const { tenantId, seq, actorId, actorName, action, resourceType, resourceId, metadata, requestId, ipAddress, userAgent, createdAt } = fields;
  const canonical = canonicalize({
    v: 1, prevHash, tenantId, seq, actorId, actorName, action, resourceType, resourceId,
    oldValue: fields.oldValue ?? null, newValue: fields.newValue ?? null, metadata, requestId, ipAddress, userAgent, createdAt,
  });
  if (canonical === undefined) throw new Error('audit entry cannot be canonicalized');
  return createHash('sha256').update(canonical).digest('hex');
}
