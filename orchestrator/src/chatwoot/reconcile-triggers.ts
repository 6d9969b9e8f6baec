import { expectOk, type ChatwootApplicationClient } from '@wrrk/chatwoot/client.ts';
import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import { inTenant, type WorkDeps } from '../db/tenant-work.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';
import type { AccountDirectory } from './account-directory.ts';
import { triggerLabelFrom } from './chatwoot-inbound-handler.ts';
import { applyConversationSnapshot } from './conversation-state.ts';
import { ConversationPayload, snapshotFromConversation } from './webhook-payloads.ts';

/**
 * Chatwoot never retries an account webhook, so a trigger whose `conversation_updated` was
 * lost would wait forever. This pass asks the Application API for every conversation that
 * carries the trigger label and applies each one exactly as a webhook would: the rule is
 * idempotent, so conversations already handled are left alone.
 */
export interface ReconcileDeps extends WorkDeps {
  accounts: AccountDirectory;
  planners: readonly OutboundPlanner[];
  logger?: Logger;
}

export interface ReconcileResult {
  accounts: number;
  conversations: number;
  escalated: Array<{ tenantId: string; conversationId: number; approvalId: string }>;
  failed: Array<{ tenantId: string; error: string }>;
}

const MAX_PAGES = 40; // 25 per page: 1000 labelled conversations per account and pass

export async function reconcileTriggers(deps: ReconcileDeps, config: Config, client: ChatwootApplicationClient): Promise<ReconcileResult> {
  const triggerLabel = triggerLabelFrom(config);
  const result: ReconcileResult = { accounts: 0, conversations: 0, escalated: [], failed: [] };
  if (!triggerLabel) return result;
  for (const account of await deps.accounts.list()) {
    result.accounts += 1;
    try {
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const data = expectOk(
          await client.GET('/api/v1/accounts/{account_id}/conversations', {
            params: { path: { account_id: account.accountId }, query: { status: 'all', labels: [triggerLabel], page } },
          }),
          'list labelled conversations',
        );
        const items = data.data?.payload ?? [];
        for (const item of items) {
          const parsed = ConversationPayload.safeParse(item);
          if (!parsed.success) {
            deps.logger?.warn({ accountId: account.accountId, issues: parsed.error.issues.slice(0, 3) }, 'reconciliation skipped an unreadable conversation');
            continue;
          }
          result.conversations += 1;
          const snapshot = snapshotFromConversation(account.accountId, parsed.data);
          const applied = await inTenant(deps, account.tenantId, (work) =>
            applyConversationSnapshot({ work, planners: deps.planners }, snapshot, {
              triggerLabel,
              defaultPriority: config.CHATWOOT_ESCALATION_PRIORITY,
              chatwootUrl: config.CHATWOOT_URL ?? null,
              origin: { requestId: 'chatwoot:reconciliation', ipAddress: null, userAgent: null },
              via: 'reconciliation',
            }),
          );
          if (applied.escalated) result.escalated.push({ tenantId: account.tenantId, conversationId: snapshot.conversationId, approvalId: applied.escalated.id });
        }
        if (items.length < 25) break;
      }
    } catch (error) {
      result.failed.push({ tenantId: account.tenantId, error: (error as Error)?.message ?? String(error) });
    }
  }
  if (result.escalated.length) deps.logger?.info({ escalated: result.escalated }, 'reconciliation escalated conversations whose webhook was lost');
  return result;
}
