import type { DataStore } from '../db/database.ts';

/**
 * The tenant's Chatwoot connection in tenant settings: its account id (unique: an account
 * belongs to one tenant) and the secret Chatwoot generated for wrrk's webhook there.
 * Written by the bootstrap; read by the webhook receiver and the planner.
 */
export interface ChatwootConnection {
  accountId: number;
  webhookSecret: string | null;
}

export async function readChatwootConnection(store: DataStore, tenantId: string): Promise<ChatwootConnection | null> {
  const row = await store.tenant(tenantId, (tx) => tx.selectFrom('tenant_settings').select(['chatwoot_account_id', 'chatwoot_webhook_secret']).where('tenant_id', '=', tenantId).executeTakeFirst());
  return row?.chatwoot_account_id ? { accountId: row.chatwoot_account_id, webhookSecret: row.chatwoot_webhook_secret } : null;
}

export async function saveChatwootConnection(store: DataStore, tenantId: string, connection: ChatwootConnection): Promise<void> {
  const now = new Date();
  const values = { chatwoot_account_id: connection.accountId, chatwoot_webhook_secret: connection.webhookSecret, updated_at: now };
  await store.tenant(tenantId, (tx) =>
    tx
      .insertInto('tenant_settings')
      .values({ tenant_id: tenantId, ...values })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
      .execute(),
  );
}
