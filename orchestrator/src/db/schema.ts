import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables. Columns are snake_case in SQL; the API maps them to camelCase. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export type Priority = 'low' | 'medium' | 'high' | 'urgent';
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface ApprovalSource {
  system: 'chatwoot' | 'matrix' | 'shell';
  accountId?: number | undefined;
  conversationId?: number | undefined;
  inboxId?: number | undefined;
  url?: string | undefined;
}

export interface SlaMinutes {
  low: number;
  medium: number;
  high: number;
  urgent: number;
}

export interface ApprovalsTable {
  id: Generated<string>;
  tenant_id: string;
  title: string;
  description: string;
  priority: Priority;
  status: ApprovalStatus;
  requested_by: string;
  requested_by_name: string;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_comment: string | null;
  decided_at: Timestamp | null;
  source: Json<ApprovalSource | null>;
  metadata: Json<Record<string, unknown>>;
  due_at: Timestamp;
  escalation_level: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AuditLogsTable {
  id: Generated<string>;
  tenant_id: string;
  seq: ColumnType<number, number, never>;
  actor_id: string;
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string;
  old_value: Json<unknown>;
  new_value: Json<unknown>;
  metadata: Json<Record<string, unknown>>;
  request_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  created_at: ColumnType<Date, Date, never>;
  prev_hash: string;
  hash: string;
}

export interface ConsultationParticipant {
  userId: string;
  name: string;
  joinedAt: string;
  leftAt: string | null;
}

export interface ConsultationsTable {
  id: Generated<string>;
  tenant_id: string;
  approval_id: string | null;
  title: string;
  room_name: string;
  status: 'scheduled' | 'active' | 'ended';
  host_id: string;
  host_name: string;
  participants: Json<ConsultationParticipant[]>;
  scheduled_at: Timestamp | null;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface TenantSettingsTable {
  tenant_id: string;
  display_name: string | null;
  sla_minutes: ColumnType<SlaMinutes, string | undefined, string>; // has a database default
  chatwoot_account_id: number | null;
  chatwoot_webhook_secret: string | null;
  matrix_room_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxTable {
  id: Generated<string>;
  tenant_id: string;
  target: string;
  operation: string;
  payload: Json<Record<string, unknown>>;
  dedupe_key: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  delivered_at: Timestamp | null;
  order_key: string | null;
  seq: Generated<number>;
}

export type ReceiptStatus = 'pending' | 'processed' | 'dead';

export interface WebhookReceiptsTable {
  id: Generated<string>;
  tenant_id: string;
  source: string;
  delivery_id: string;
  event_type: string;
  payload: Json<unknown>;
  status: Generated<ReceiptStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
}

export interface Database {
  webhook_receipts: WebhookReceiptsTable;
  approvals: ApprovalsTable;
  audit_logs: AuditLogsTable;
  consultations: ConsultationsTable;
  tenant_settings: TenantSettingsTable;
  outbox: OutboxTable;
}
