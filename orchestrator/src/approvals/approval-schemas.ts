import { z } from '@hono/zod-openapi';
import { COMMENT_MAX } from './approval-rules.ts';

export const PrioritySchema = z.enum(['low', 'medium', 'high', 'urgent']).openapi('Priority');
export const StatusSchema = z.enum(['pending', 'approved', 'rejected', 'cancelled']).openapi('ApprovalStatus');

export const SourceSchema = z
  .object({
    system: z.enum(['chatwoot', 'matrix', 'shell']),
    accountId: z.number().int().positive().optional(),
    conversationId: z.number().int().positive().optional(),
    inboxId: z.number().int().positive().optional(),
    url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  })
  .strict()
  .openapi('ApprovalSource');

export const ApprovalSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.string(),
    title: z.string(),
    description: z.string(),
    priority: PrioritySchema,
    status: StatusSchema,
    requestedBy: z.string(),
    requestedByName: z.string(),
    decidedBy: z.string().nullable(),
    decidedByName: z.string().nullable(),
    decisionComment: z.string().nullable(),
    decidedAt: z.string().nullable(),
    source: SourceSchema.nullable(),
    metadata: z.record(z.string(), z.unknown()),
    dueAt: z.string(),
    escalationLevel: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Approval');

const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 8192, 'metadata must serialise to at most 8 KiB');

export const CreateApprovalBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(10_000).default(''),
    priority: PrioritySchema.default('medium'),
    source: SourceSchema.optional(),
    metadata: metadata.optional(),
  })
  .strict()
  .openapi('CreateApproval');

export const DecideApprovalBody = z
  .object({
    status: z.enum(['approved', 'rejected', 'cancelled']),
    comment: z.string().max(COMMENT_MAX).optional(),
  })
  .strict()
  .openapi('DecideApproval');

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item).optional());

export const ListApprovalsQuery = z.object({
  tenantId: z.string().optional(),
  status: csv(StatusSchema).openapi({ description: 'comma-separated statuses', example: 'pending' }),
  priority: csv(PrioritySchema).openapi({ description: 'comma-separated priorities', example: 'high,urgent' }),
  requestedBy: z.string().max(200).optional(),
  sort: z.enum(['newest', 'due']).default('newest'),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
