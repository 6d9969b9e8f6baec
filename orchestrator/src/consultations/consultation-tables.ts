import type { ColumnType } from 'kysely';

/**
 * Kysely's view of `consultation_occupancies` (migration 0004-matrix-jitsi), merged into the
 * shared `Database` interface. One row per Jitsi occupant session (`occupant_jid`).
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface ConsultationOccupanciesTable {
  tenant_id: string;
  consultation_id: string;
  occupant_jid: string;
  /** `context.user.id` of the occupant's meeting token: the Keycloak subject. */
  user_id: string | null;
  name: string | null;
  email: string | null;
  joined_at: Timestamp | null;
  left_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

declare module '../db/schema.ts' {
  interface Database {
    consultation_occupancies: ConsultationOccupanciesTable;
  }
}
