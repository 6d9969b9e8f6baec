import { sql, type Kysely } from 'kysely';

/**
 * Matrix and Jitsi state:
 * - `matrix_accounts`: which Keycloak user got which Matrix account for which tenant (the
 *   provisioning record; it is also how a chat message's sender is mapped back to a person);
 * - `matrix_notices`: the events the bot posted, so a reply or reaction to one can be tied to
 *   its approval;
 * - `consultation_occupancies`: one row per Jitsi occupant session, merged from prosody's
 *   event_sync calls in any order (joined_at only moves earlier, left_at only later).
 * Every table is tenant-scoped with the same row-level security as the core tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE matrix_accounts (
      tenant_id text NOT NULL,
      user_id text NOT NULL,
      username text NOT NULL,
      matrix_user_id text NOT NULL,
      display_name text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'removed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX matrix_accounts_matrix_user ON matrix_accounts (tenant_id, matrix_user_id)`.execute(db);
  // The provisioning job asks "is this person still active in any other tenant?".
  await sql`CREATE INDEX matrix_accounts_user_active ON matrix_accounts (user_id) WHERE status = 'active'`.execute(db);

  await sql`
    CREATE TABLE matrix_notices (
      tenant_id text NOT NULL,
      event_id text NOT NULL,
      room_id text NOT NULL,
      kind text NOT NULL,
      approval_id uuid REFERENCES approvals (id),
      consultation_id uuid REFERENCES consultations (id),
      thread_root_event_id text,
      outbox_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, event_id)
    )`.execute(db);
  await sql`CREATE INDEX matrix_notices_approval ON matrix_notices (tenant_id, approval_id, kind, created_at)`.execute(db);

  await sql`
    CREATE TABLE consultation_occupancies (
      tenant_id text NOT NULL,
      consultation_id uuid NOT NULL REFERENCES consultations (id),
      occupant_jid text NOT NULL,
      user_id text,
      name text,
      email text,
      joined_at timestamptz,
      left_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consultation_id, occupant_jid)
    )`.execute(db);
  await sql`CREATE INDEX consultation_occupancies_tenant ON consultation_occupancies (tenant_id, consultation_id)`.execute(db);

  // An application-service transaction names rooms, not tenants: find the tenant by its room.
  await sql`CREATE UNIQUE INDEX tenant_settings_matrix_room ON tenant_settings (matrix_room_id) WHERE matrix_room_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX consultations_approval ON consultations (tenant_id, approval_id) WHERE approval_id IS NOT NULL`.execute(db);

  for (const table of ['matrix_accounts', 'matrix_notices', 'consultation_occupancies']) {
    await sql`SELECT wrrk_enable_tenant_rls(${table}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS consultations_approval`.execute(db);
  await sql`DROP INDEX IF EXISTS tenant_settings_matrix_room`.execute(db);
  await sql`DROP TABLE IF EXISTS consultation_occupancies`.execute(db);
  await sql`DROP TABLE IF EXISTS matrix_notices`.execute(db);
  await sql`DROP TABLE IF EXISTS matrix_accounts`.execute(db);
}
