import { sql, type Kysely } from 'kysely';

/**
 * Chatwoot integration state, every table tenant-scoped under the same RLS policies as the core:
 * - `chatwoot_conversations`: the newest snapshot seen of each conversation (webhooks and
 *   reconciliation), so out-of-order deliveries never roll state back, plus the escalation
 *   trigger's memory (`trigger_armed`) so one label application escalates once;
 * - `chatwoot_user_links`: the Keycloak ↔ Chatwoot user mapping that provisioning converges to
 *   (desired role and presence per tenant account, the Chatwoot user id once created).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE chatwoot_conversations (
      tenant_id text NOT NULL,
      account_id integer NOT NULL,
      conversation_id integer NOT NULL,
      inbox_id integer,
      status text NOT NULL DEFAULT 'open',
      labels jsonb NOT NULL DEFAULT '[]',
      custom_attributes jsonb NOT NULL DEFAULT '{}',
      priority text,
      contact_name text,
      assignee_name text,
      last_incoming_message text,
      last_incoming_at timestamptz,
      last_message_id bigint,
      snapshot_at double precision NOT NULL DEFAULT 0,
      trigger_armed boolean NOT NULL DEFAULT true,
      last_trigger_approval_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, account_id, conversation_id)
    )`.execute(db);
  await sql`CREATE INDEX chatwoot_conversations_recent ON chatwoot_conversations (tenant_id, updated_at DESC)`.execute(db);

  await sql`
    CREATE TABLE chatwoot_user_links (
      tenant_id text NOT NULL,
      keycloak_user_id text NOT NULL,
      account_id integer NOT NULL,
      username text NOT NULL,
      name text NOT NULL,
      email text NOT NULL,
      role text NOT NULL CHECK (role IN ('agent', 'administrator')),
      desired text NOT NULL CHECK (desired IN ('active', 'removed')),
      chatwoot_user_id integer,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, keycloak_user_id)
    )`.execute(db);
  await sql`CREATE INDEX chatwoot_user_links_chatwoot_user ON chatwoot_user_links (tenant_id, chatwoot_user_id)`.execute(db);

  for (const table of ['chatwoot_conversations', 'chatwoot_user_links']) {
    await sql`SELECT wrrk_enable_tenant_rls(${table}::regclass)`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('0003-chatwoot is not reversible: restore from a backup instead');
}
