import { z } from '@hono/zod-openapi';

export const AuditEntrySchema = z
  .object({
    id: z.uuid(),
    tenantId: z.string(),
    seq: z.number().int(),
    actorId: z.string(),
    actorName: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    oldValue: z.unknown(),
    newValue: z.unknown(),
    metadata: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

/** Actions the shell may report through POST /api/audit; state changes are audited by their own routes. */
export const REPORTABLE_ACTIONS = [
  'session.signed_in',
  'session.signed_out',
  'tenant.switched',
  'module.opened',
  'approval.viewed',
  'consultation.joined',
  'consultation.left',
  'audit.exported',
] as const;

export const ReportAuditBody = z
  .object({
    action: z.enum(REPORTABLE_ACTIONS),
    resourceType: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_.-]*$/, 'lower-case identifier'),
    resourceId: z.string().min(1).max(200),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ReportAuditBody');

export const AuditFilterQuery = z.object({
  tenantId: z.string().optional(),
  actorId: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  resourceType: z.string().max(64).optional(),
  resourceId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'inclusive, ISO 8601' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'exclusive, ISO 8601' }),
});

export const AuditListQuery = AuditFilterQuery.extend({
  cursor: z.coerce.number().int().positive().optional().openapi({ description: 'seq to continue below (from nextCursor)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const AuditExportQuery = AuditFilterQuery.extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

export const ChainVerificationSchema = z
  .object({
    tenantId: z.string(),
    ok: z.boolean(),
    checked: z.number().int(),
    headSeq: z.number().int(),
    headHash: z.string(),
    firstBreak: z
      .object({ seq: z.number().int(), entryId: z.string(), reason: z.enum(['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap']), expected: z.string(), actual: z.string() })
      .nullable(),
    verifiedAt: z.string(),
  })
  .openapi('ChainVerification');

export type AuditFilter = z.infer<typeof AuditFilterQuery>;
