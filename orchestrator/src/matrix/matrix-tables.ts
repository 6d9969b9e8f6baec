import type { ColumnType } from 'kysely';

/**
 * Kysely's view of the Matrix tables (migration 0004-matrix-jitsi), merged into the shared
 * `Database` interface so every transaction can use them with full types.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type MatrixAccountStatus = 'active' | 'removed';

export interface MatrixAccountsTable {
  tenant_id: string;
  /** Keycloak subject. */
  user_id: string;
  username: string;
  matrix_user_id: string;
  display_name: string;
  status: MatrixAccountStatus;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type MatrixNoticeKind = 'approval.created' | 'approval.escalated' | 'approval.decided' | 'consultation.opened' | 'reply';

export interface MatrixNoticesTable {
  tenant_id: string;
  event_id: string;
  room_id: string;
  kind: MatrixNoticeKind;
  approval_id: string | null;
  consultation_id: string | null;
  thread_root_event_id: string | null;
  outbox_id: string | null;
  created_at: CreatedAt;
}

declare module '../db/schema.ts' {
  interface Database {
    matrix_accounts: MatrixAccountsTable;
    matrix_notices: MatrixNoticesTable;
  }
}
