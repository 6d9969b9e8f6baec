import type { DataStore } from '../db/database.ts';

/**
 * Which tenant a Chatwoot account belongs to, and the secret of the webhook wrrk registered
 * there. Looked up before the signature can be checked (the request names its account in the
 * `account_id` query parameter the bootstrap put in the webhook URL), so it runs as the
 * system role; answers are cached briefly because every webhook needs one.
 */
export interface ChatwootAccount {
  tenantId: string;
  accountId: number;
  webhookSecret: string | null;
}

export interface AccountDirectory {
  find(accountId: number, options?: { fresh?: boolean }): Promise<ChatwootAccount | null>;
  /** Every connected tenant (for the schedules). */
  list(): Promise<ChatwootAccount[]>;
}

export function createAccountDirectory(store: DataStore, ttlMs = 30_000, now: () => number = Date.now): AccountDirectory {
  const cache = new Map<number, { value: ChatwootAccount | null; at: number }>();

  async function load(accountId: number): Promise<ChatwootAccount | null> {
    const row = await store.system((tx) =>
      tx.selectFrom('tenant_settings').select(['tenant_id', 'chatwoot_account_id', 'chatwoot_webhook_secret']).where('chatwoot_account_id', '=', accountId).executeTakeFirst(),
    );
    return row ? { tenantId: row.tenant_id, accountId, webhookSecret: row.chatwoot_webhook_secret } : null;
  }

  return {
    async find(accountId, options = {}) {
      const hit = cache.get(accountId);
      if (!options.fresh && hit && now() - hit.at < ttlMs) return hit.value;
      const value = await load(accountId);
      if (cache.size > 10_000) cache.clear();
      cache.set(accountId, { value, at: now() });
      return value;
    },
    async list() {
      const rows = await store.system((tx) =>
        tx.selectFrom('tenant_settings').select(['tenant_id', 'chatwoot_account_id', 'chatwoot_webhook_secret']).where('chatwoot_account_id', 'is not', null).orderBy('tenant_id').execute(),
      );
      return rows.map((row) => ({ tenantId: row.tenant_id, accountId: row.chatwoot_account_id!, webhookSecret: row.chatwoot_webhook_secret }));
    },
  };
}
