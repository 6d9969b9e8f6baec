import { sql, type Kysely } from 'kysely';

/**
 * Core schema: approvals, the audit trail, consultations, tenant settings and the outbox.
 *
 * Isolation model (see docs/architecture.md): two NOLOGIN roles. Request code runs every
 * transaction as `wrrk_app` with `app.tenant_id` set, and policies restrict it to that
 * tenant; background workers run as `wrrk_worker`, which policies allow across tenants.
 * RLS is FORCEd so even the owner cannot bypass it by accident.
 */

// Roles are cluster-wide: several databases (tests, instances) may race to create them.
const createRole = (name: string) => sql`
  DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${sql.lit(name)}) THEN
      CREATE ROLE ${sql.raw(name)} NOLOGIN NOINHERIT;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await createRole('wrrk_app').execute(db);
  await createRole('wrrk_worker').execute(db);
  // The login role must be able to switch into both (a no-op for superusers).
  await sql`DO $$ BEGIN
    EXECUTE format('GRANT wrrk_app, wrrk_worker TO %I', current_user);
  EXCEPTION WHEN others THEN NULL;
  END $$`.execute(db);
  await sql`GRANT USAGE ON SCHEMA public TO wrrk_app, wrrk_worker`.execute(db);

  // Every tenant table gets the same two policies; later migrations call this too.
  await sql`
    CREATE OR REPLACE FUNCTION wrrk_enable_tenant_rls(target regclass) RETURNS void
    LANGUAGE plpgsql AS $fn$
    BEGIN
      EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
      EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
      EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
      EXECUTE format($p$CREATE POLICY tenant_isolation ON %s TO wrrk_app
        USING (tenant_id = current_setting('app.tenant_id', true))
        WITH CHECK (tenant_id = current_setting('app.tenant_id', true))$p$, target);
      EXECUTE format('DROP POLICY IF EXISTS worker_access ON %s', target);
      EXECUTE format('CREATE POLICY worker_access ON %s TO wrrk_worker USING (true) WITH CHECK (true)', target);
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO wrrk_app, wrrk_worker', target);
    END $fn$`.execute(db);

  await sql`
    CREATE TABLE tenant_settings (
      tenant_id text PRIMARY KEY CHECK (length(tenant_id) BETWEEN 1 AND 200),
      display_name text,
      sla_minutes jsonb NOT NULL DEFAULT '{"urgent": 60, "high": 240, "medium": 1440, "low": 4320}',
      chatwoot_account_id integer UNIQUE,
      chatwoot_webhook_secret text,
      matrix_room_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE approvals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id text NOT NULL,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
      requested_by text NOT NULL,
      requested_by_name text NOT NULL,
      decided_by text,
      decided_by_name text,
      decision_comment text,
      decided_at timestamptz,
      source jsonb,
      metadata jsonb NOT NULL DEFAULT '{}',
      due_at timestamptz NOT NULL,
      escalation_level integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'pending') = (decided_at IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX approvals_tenant_created ON approvals (tenant_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX approvals_pending_due ON approvals (due_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX approvals_source_conversation ON approvals (tenant_id, (source->>'system'), (source->>'conversationId'))`.execute(db);

  await sql`
    CREATE TABLE audit_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id text NOT NULL,
      seq bigint NOT NULL CHECK (seq > 0),
      actor_id text NOT NULL,
      actor_name text NOT NULL,
      action text NOT NULL,
      resource_type text NOT NULL,
      resource_id text NOT NULL,
      old_value jsonb,
      new_value jsonb,
      metadata jsonb NOT NULL DEFAULT '{}',
      request_id text,
      ip_address text,
      user_agent text,
      created_at timestamptz NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      UNIQUE (tenant_id, seq)
    )`.execute(db);
  await sql`CREATE INDEX audit_logs_resource ON audit_logs (tenant_id, resource_type, resource_id, seq)`.execute(db);
  await sql`CREATE INDEX audit_logs_actor ON audit_logs (tenant_id, actor_id, seq)`.execute(db);
  // Append-only: the database itself refuses to rewrite history, whoever asks.
  await sql`
    CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $fn$`.execute(db);
  await sql`CREATE TRIGGER audit_logs_no_update BEFORE UPDATE OR DELETE ON audit_logs FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`.execute(db);
  await sql`CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`.execute(db);

  await sql`
    CREATE TABLE consultations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id text NOT NULL,
      approval_id uuid REFERENCES approvals (id),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      room_name text NOT NULL UNIQUE,
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'active', 'ended')),
      host_id text NOT NULL,
      host_name text NOT NULL,
      participants jsonb NOT NULL DEFAULT '[]',
      scheduled_at timestamptz,
      started_at timestamptz,
      ended_at timestamptz,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX consultations_tenant_created ON consultations (tenant_id, created_at DESC, id DESC)`.execute(db);

  await sql`
    CREATE TABLE outbox (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id text NOT NULL,
      target text NOT NULL,
      operation text NOT NULL,
      payload jsonb NOT NULL,
      dedupe_key text UNIQUE,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      locked_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX outbox_tenant_status ON outbox (tenant_id, status, created_at DESC)`.execute(db);

  for (const table of ['tenant_settings', 'approvals', 'audit_logs', 'consultations', 'outbox']) {
    await sql`SELECT wrrk_enable_tenant_rls(${table}::regclass)`.execute(db);
  }
  // History is insert-only for the application roles too (the trigger is the second wall).
  await sql`REVOKE UPDATE ON audit_logs FROM wrrk_app, wrrk_worker`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0001-core is not reversible: restore from a backup instead');
}
