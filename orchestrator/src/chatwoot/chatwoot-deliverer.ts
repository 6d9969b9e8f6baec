import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { ChatwootHttpError, createApplicationClient, createPlatformClient, expectOk, type ChatwootApplicationClient, type ChatwootPlatformClient } from '@wrrk/chatwoot/client.ts';
import type { Config } from '../config/env.ts';
import type { DataStore } from '../db/database.ts';
import type { ApprovalStatus } from '../db/schema.ts';
import { outcomeFromError, parseRetryAfter, type DeliveryOutcome, type OutboxDeliverer, type OutboxMessage } from '../outbox/outbox-delivery.ts';
import { approvalLink } from './approval-notes.ts';
import { CHATWOOT_TARGET, OPERATIONS } from './chatwoot-planner.ts';
import { withChatwootTables } from './chatwoot-schema.ts';
import { triggerLabelFrom } from './chatwoot-inbound-handler.ts';
import { postNoteOnce, syncApprovalState } from './conversation-writes.ts';

const NotePayload = z.object({ accountId: z.number().int(), conversationId: z.number().int(), approvalId: z.string(), kind: z.string(), marker: z.string(), content: z.string().min(1) });
const SyncApprovalPayload = z.object({ accountId: z.number().int(), conversationId: z.number().int(), approvalId: z.string() });
const SyncUserPayload = z.object({ keycloakUserId: z.string().min(1) });

/** Chatwoot's answer as an outcome: 429/5xx/408 retry (honouring Retry-After), other 4xx are permanent. */
export function outcomeFromChatwootError(error: unknown, context: string): DeliveryOutcome {
  if (error instanceof ChatwootHttpError) {
    const retryable = error.status === 408 || error.status === 425 || error.status === 429 || error.status >= 500;
    const retryAfterMs = parseRetryAfter(error.retryAfter);
    return { ok: false, retryable, error: `${context}: ${error.message}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return outcomeFromError(error, context);
}

/** A password Chatwoot accepts (upper, lower, digit, special) that nobody knows: people sign in through wrrk. */
export const unusablePassword = () => `${randomBytes(24).toString('base64url')}Aa1!`;

export interface ChatwootDelivererDeps {
  store: DataStore;
}

/**
 * Performs the Chatwoot outbox rows: private notes (posted once, found by marker on retries),
 * the approval's status label and attributes (read, merge, write; always from the approval's
 * current state, so a late retry never rolls a decision back), and user provisioning through
 * the Platform API (converging on the mapping row's desired state).
 */
export function createChatwootDeliverer(config: Config, deps: ChatwootDelivererDeps, clients?: { application?: ChatwootApplicationClient; platform?: ChatwootPlatformClient }): OutboxDeliverer {
  const triggerLabel = triggerLabelFrom(config);
  const application = clients?.application ?? (config.CHATWOOT_URL && config.CHATWOOT_API_TOKEN ? createApplicationClient({ baseUrl: config.CHATWOOT_URL, token: config.CHATWOOT_API_TOKEN }) : null);
  const platform = clients?.platform ?? (config.CHATWOOT_URL && config.CHATWOOT_PLATFORM_TOKEN ? createPlatformClient({ baseUrl: config.CHATWOOT_URL, token: config.CHATWOOT_PLATFORM_TOKEN }) : null);

  async function deliverNote(message: OutboxMessage): Promise<DeliveryOutcome> {
    if (!application) return { ok: false, retryable: false, error: 'CHATWOOT_URL and CHATWOOT_API_TOKEN are not set' };
    const note = NotePayload.parse(message.payload);
    // Always looked for first: even a first attempt may follow an admin's retry of a row whose
    // earlier attempts posted the note and lost the answer (a retry resets the attempt count).
    const result = await postNoteOnce(application, note, note, { mayExist: true, since: message.createdAt });
    return { ok: true, detail: result.alreadyPosted ? `note already present (message ${result.messageId})` : `note posted (message ${result.messageId})` };
  }

  async function deliverApprovalSync(message: OutboxMessage): Promise<DeliveryOutcome> {
    if (!application) return { ok: false, retryable: false, error: 'CHATWOOT_URL and CHATWOOT_API_TOKEN are not set' };
    const ref = SyncApprovalPayload.parse(message.payload);
    // The newest approval of the conversation, as it is now: convergent whatever the delivery order.
    const latest = await deps.store.tenant(message.tenantId, (tx) =>
      tx
        .selectFrom('approvals')
        .select(['id', 'status'])
        .where('tenant_id', '=', message.tenantId)
        .where(sql<string>`source->>'system'`, '=', 'chatwoot')
        .where(sql<string>`source->>'conversationId'`, '=', String(ref.conversationId))
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    if (!latest) return { ok: true, detail: 'no approval for this conversation any more' };
    const result = await syncApprovalState(application, ref, {
      status: latest.status as ApprovalStatus,
      triggerLabel,
      attributes: { approval_id: latest.id, approval_status: latest.status, approval_url: approvalLink(config.SHELL_URL, latest.id) },
    });
    return { ok: true, detail: `labels ${result.labelsChanged ? 'written' : 'unchanged'}, attributes ${result.attributesChanged ? 'written' : 'unchanged'}` };
  }

  async function deliverUserSync(message: OutboxMessage): Promise<DeliveryOutcome> {
    if (!platform) return { ok: false, retryable: false, error: 'CHATWOOT_URL and CHATWOOT_PLATFORM_TOKEN are not set (provisioning uses the Platform API)' };
    const { keycloakUserId } = SyncUserPayload.parse(message.payload);
    const link = await deps.store.tenant(message.tenantId, (tx) =>
      withChatwootTables(tx).selectFrom('chatwoot_user_links').selectAll().where('tenant_id', '=', message.tenantId).where('keycloak_user_id', '=', keycloakUserId).executeTakeFirst(),
    );
    if (!link) return { ok: true, detail: 'no mapping row' };
    const account = { account_id: link.account_id };
    let chatwootUserId = link.chatwoot_user_id;

    if (link.desired === 'removed') {
      if (chatwootUserId !== null) {
        const removed = await platform.DELETE('/platform/api/v1/accounts/{account_id}/account_users', { params: { path: account }, body: { user_id: chatwootUserId } });
        // Already gone is the goal reached.
        if (!removed.response.ok && removed.response.status !== 404) expectOk(removed, 'remove account user');
      }
    } else {
      const profile = { name: link.name, email: link.email };
      if (chatwootUserId !== null) {
        const current = await platform.GET('/platform/api/v1/users/{id}', { params: { path: { id: chatwootUserId } } });
        if (current.response.status === 404) chatwootUserId = null;
        else {
          const user = expectOk(current, 'read user');
          if (user.name !== profile.name || user.email !== profile.email) {
            expectOk(await platform.PATCH('/platform/api/v1/users/{id}', { params: { path: { id: chatwootUserId } }, body: profile }), 'update user');
          }
        }
      }
      if (chatwootUserId === null) {
        // Chatwoot returns the existing user for a known email, so a retry cannot duplicate anyone.
        const created = expectOk(
          await platform.POST('/platform/api/v1/users', { body: { ...profile, password: unusablePassword(), custom_attributes: { keycloak_id: link.keycloak_user_id, keycloak_username: link.username } } }),
          'create user',
        );
        if (typeof created.id !== 'number') return { ok: false, retryable: true, error: 'create user: no id in the answer' };
        chatwootUserId = created.id;
        if (created.name !== profile.name) {
          expectOk(await platform.PATCH('/platform/api/v1/users/{id}', { params: { path: { id: chatwootUserId } }, body: { name: profile.name } }), 'update user');
        }
      }
      // An upsert: also corrects a role someone changed by hand in Chatwoot.
      expectOk(await platform.POST('/platform/api/v1/accounts/{account_id}/account_users', { params: { path: account }, body: { user_id: chatwootUserId, role: link.role } }), 'add account user');
    }
    await deps.store.tenant(message.tenantId, (tx) =>
      withChatwootTables(tx)
        .updateTable('chatwoot_user_links')
        .set({ chatwoot_user_id: chatwootUserId, delivered_at: new Date() })
        .where('tenant_id', '=', message.tenantId)
        .where('keycloak_user_id', '=', keycloakUserId)
        .execute(),
    );
    return { ok: true, detail: `${link.desired === 'removed' ? 'removed from' : 'provisioned in'} account ${link.account_id} as Chatwoot user ${chatwootUserId}` };
  }

  const operations: Record<string, (message: OutboxMessage) => Promise<DeliveryOutcome>> = {
    [OPERATIONS.note]: deliverNote,
    [OPERATIONS.syncApproval]: deliverApprovalSync,
    [OPERATIONS.syncUser]: deliverUserSync,
  };

  return {
    target: CHATWOOT_TARGET,
    async deliver(message) {
      const operation = operations[message.operation];
      if (!operation) return { ok: false, retryable: false, error: `unknown chatwoot operation ${message.operation}` };
      try {
        return await operation(message);
      } catch (error) {
        if (error instanceof z.ZodError) return { ok: false, retryable: false, error: `${message.operation}: malformed payload ${error.message}` };
        return outcomeFromChatwootError(error, message.operation);
      }
    },
  };
}
