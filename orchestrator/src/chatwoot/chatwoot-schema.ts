import type { ColumnType, Transaction } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/** Kysely's view of the Chatwoot tables (migration 0003-chatwoot). */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** Columns with a SQL default: optional on insert. */
type Defaulted<T, I = T> = ColumnType<T, I | undefined, I>;

export type ChatwootRole = 'agent' | 'administrator';

export interface ChatwootConversationsTable {
  tenant_id: string;
  account_id: number;
  conversation_id: number;
  inbox_id: number | null;
  status: Defaulted<string>;
  labels: Defaulted<string[], string>;
  custom_attributes: Defaulted<Record<string, unknown>, string>;
  priority: string | null;
  contact_name: string | null;
  assignee_name: string | null;
  last_incoming_message: string | null;
  last_incoming_at: Timestamp | null;
  last_message_id: number | null;
  /** Chatwoot's `updated_at` (unix seconds, fractional) of the newest snapshot applied. */
  snapshot_at: Defaulted<number>;
  trigger_armed: Defaulted<boolean>;
  last_trigger_approval_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChatwootUserLinksTable {
  tenant_id: string;
  keycloak_user_id: string;
  account_id: number;
  username: string;
  name: string;
  email: string;
  role: ChatwootRole;
  desired: 'active' | 'removed';
  chatwoot_user_id: number | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ChatwootDatabase extends Database {
  chatwoot_conversations: ChatwootConversationsTable;
  chatwoot_user_links: ChatwootUserLinksTable;
}

export type ChatwootTx = Transaction<ChatwootDatabase>;

/** The shared `Tx` typed with the Chatwoot tables too (same transaction, wider schema). */
export const withChatwootTables = (tx: Tx): ChatwootTx => tx as unknown as ChatwootTx;
