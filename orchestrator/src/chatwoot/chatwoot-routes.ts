import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { hasRole, isTenantMember } from '@wrrk/keycloak/principal.ts';
import { conversationUrl } from '@wrrk/chatwoot/client.ts';
import type { AppDeps } from '../app-deps.ts';
import { toApproval } from '../approvals/approval-model.ts';
import { ApprovalSchema } from '../approvals/approval-schemas.ts';
import { inTenant } from '../db/tenant-work.ts';
import type { AppEnv } from '../http/app-env.ts';
import { AppError, forbidden } from '../http/app-error.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { validationHook } from '../http/validation-hook.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import type { ChatwootServices } from './chatwoot-services.ts';
import { applyProvisioningPlan } from './provisioning.ts';

const tags = ['Chatwoot'];
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });
const TenantQuery = z.object({ tenantId: z.string().optional() });

const ConversationSchema = z
  .object({
    accountId: z.number().int(),
    conversationId: z.number().int(),
    inboxId: z.number().int().nullable(),
    status: z.string(),
    labels: z.array(z.string()),
    priority: z.string().nullable(),
    contactName: z.string().nullable(),
    assigneeName: z.string().nullable(),
    lastIncomingMessage: z.string().nullable(),
    lastIncomingAt: z.string().nullable(),
    url: z.string().nullable(),
    approval: z.object({ id: z.string(), status: z.string() }).nullable(),
    updatedAt: z.string(),
  })
  .openapi('ChatwootConversation');

const SyncSummarySchema = z
  .object({
    tenantId: z.string(),
    accountId: z.number().int(),
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
    unchanged: z.number().int(),
    skipped: z.array(z.object({ keycloakUserId: z.string(), username: z.string(), reason: z.string() })),
  })
  .openapi('ChatwootSyncSummary');

const syncRoute = createRoute({
  method: 'post', path: '/', tags, summary: 'Provision the tenant\'s Keycloak users into its Chatwoot account now (admins)',
  description: 'Reads the tenant\'s members from Keycloak and records what must change (one audit entry per user); the outbox carries it out through Chatwoot\'s Platform API. Idempotent: a second run with nothing changed in Keycloak changes nothing. Also runs on a schedule.',
  request: { query: TenantQuery },
  responses: { 202: { description: 'Changes recorded and queued', content: json(SyncSummarySchema) }, ...errorResponses },
});

const listRoute = createRoute({
  method: 'get', path: '/', tags, summary: 'The tenant\'s recent Chatwoot conversations (as last reported by Chatwoot)',
  request: { query: TenantQuery.extend({ status: z.enum(['open', 'resolved', 'pending', 'snoozed']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: { 200: { description: 'Newest first', content: json(z.object({ items: z.array(ConversationSchema) })) }, ...errorResponses },
});

const contextRoute = createRoute({
  method: 'get', path: '/', tags, summary: 'A conversation\'s tenant and escalations, for the Chatwoot dashboard app',
  description: 'The dashboard app knows only Chatwoot\'s account and conversation ids; this names the tenant (the caller must be a member) and returns the conversation\'s approvals, newest first.',
  request: { query: z.object({ accountId: z.coerce.number().int().positive(), conversationId: z.coerce.number().int().positive() }) },
  responses: {
    200: {
      description: 'Context',
      content: json(z.object({ tenantId: z.string(), tenantName: z.string(), accountId: z.number().int(), conversationId: z.number().int(), conversation: ConversationSchema.nullable(), approvals: z.array(ApprovalSchema), pendingApprovalId: z.string().nullable() }).openapi('ChatwootConversationContext')),
    },
    ...errorResponses,
  },
});

type ConversationRow = { tenant_id: string; account_id: number; conversation_id: number; inbox_id: number | null; status: string; labels: string[]; priority: string | null; contact_name: string | null; assignee_name: string | null; last_incoming_message: string | null; last_incoming_at: Date | null; updated_at: Date };

function toConversation(row: ConversationRow, approval: { id: string; status: string } | null, chatwootUrl: string | undefined): z.infer<typeof ConversationSchema> {
  return {
    accountId: row.account_id,
    conversationId: row.conversation_id,
    inboxId: row.inbox_id,
    status: row.status,
    labels: row.labels,
    priority: row.priority,
    contactName: row.contact_name,
    assigneeName: row.assignee_name,
    lastIncomingMessage: row.last_incoming_message,
    lastIncomingAt: row.last_incoming_at?.toISOString() ?? null,
    url: chatwootUrl ? conversationUrl(chatwootUrl, row.account_id, row.conversation_id) : null,
    approval,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function chatwootSyncRoutes(deps: AppDeps, services: ChatwootServices) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(syncRoute, async (c) => {
    if (!hasRole(c.var.principal, 'admin')) throw forbidden('provisioning needs the admin role');
    if (!services.directory) throw new AppError('service_unavailable', 'provisioning needs Keycloak: set ORCHESTRATOR_CLIENT_SECRET (and KEYCLOAK_ADMIN_URL if Keycloak is reached on another address)');
    const tenantId = c.var.tenantId;
    const account = await deps.store.tenant(tenantId, (tx) => tx.selectFrom('tenant_settings').select('chatwoot_account_id').where('tenant_id', '=', tenantId).executeTakeFirst());
    if (!account?.chatwoot_account_id) throw new AppError('conflict', `tenant ${tenantId} has no Chatwoot account yet: run the Chatwoot bootstrap`);
    let members;
    try {
      members = await services.directory.listTenantMembers(tenantId);
    } catch (error) {
      throw new AppError('service_unavailable', `Keycloak did not answer: ${(error as Error)?.message ?? error}`, { headers: { 'Retry-After': '10' }, cause: error });
    }
    const principal = c.var.principal;
    const summary = await inTenant(deps, tenantId, (work) => applyProvisioningPlan(work, account.chatwoot_account_id!, members, { id: principal.id, name: principal.name }, requestOrigin(c, deps.config.TRUST_PROXY)));
    return c.json(summary, 202);
  });
  return app;
}

export function chatwootConversationRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(listRoute, async (c) => {
    const { status, limit } = c.req.valid('query');
    const tenantId = c.var.tenantId;
    const items = await deps.store.tenant(tenantId, async (tx) => {
      let query = withChatwootTables(tx).selectFrom('chatwoot_conversations').selectAll().where('tenant_id', '=', tenantId);
      if (status) query = query.where('status', '=', status);
      const rows = await query.orderBy('updated_at', 'desc').limit(limit).execute();
      const approvals = rows.length
        ? await tx
            .selectFrom('approvals')
            .select(['id', 'status', sql<string>`source->>'conversationId'`.as('conversation_id')])
            .where('tenant_id', '=', tenantId)
            .where(sql<string>`source->>'system'`, '=', 'chatwoot')
            .where(sql<string>`source->>'conversationId'`, 'in', rows.map((r) => String(r.conversation_id)))
            .orderBy('created_at', 'desc')
            .execute()
        : [];
      return rows.map((row) => {
        const approval = approvals.find((a) => a.conversation_id === String(row.conversation_id));
        return toConversation(row, approval ? { id: approval.id, status: approval.status } : null, deps.config.CHATWOOT_URL);
      });
    });
    return c.json({ items }, 200);
  });
  return app;
}

export function chatwootContextRoutes(deps: AppDeps, services: ChatwootServices) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(contextRoute, async (c) => {
    const { accountId, conversationId } = c.req.valid('query');
    const account = await services.accounts.find(accountId);
    // The same answer for "no such account" and "not yours": account ids are not secrets, memberships are.
    if (!account || !isTenantMember(c.var.principal, account.tenantId)) throw forbidden(`Chatwoot account ${accountId} is not connected to any of your tenants`);
    const tenantId = account.tenantId;
    const result = await deps.store.tenant(tenantId, async (tx) => {
      const row = await withChatwootTables(tx).selectFrom('chatwoot_conversations').selectAll().where('tenant_id', '=', tenantId).where('account_id', '=', accountId).where('conversation_id', '=', conversationId).executeTakeFirst();
      const approvals = await tx
        .selectFrom('approvals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(sql<string>`source->>'system'`, '=', 'chatwoot')
        .where(sql<string>`source->>'conversationId'`, '=', String(conversationId))
        .orderBy('created_at', 'desc')
        .limit(20)
        .execute();
      return { row, approvals: approvals.map(toApproval) };
    });
    const pending = result.approvals.find((a) => a.status === 'pending') ?? null;
    return c.json({
      tenantId,
      tenantName: c.var.principal.tenants.find((t) => t.id === tenantId)?.name ?? tenantId,
      accountId,
      conversationId,
      conversation: result.row ? toConversation(result.row, result.approvals[0] ? { id: result.approvals[0].id, status: result.approvals[0].status } : null, deps.config.CHATWOOT_URL) : null,
      approvals: result.approvals,
      pendingApprovalId: pending?.id ?? null,
    }, 200);
  });
  return app;
}
