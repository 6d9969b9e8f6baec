import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startTempPostgres, type TempPostgres } from './temp-postgres.ts';
import { generatedExampleEnv, read, run, scratchDir } from './test-support.ts';

// infra/compose/postgres/*.sh run as the postgres image runs them on a new data volume.
const env = generatedExampleEnv(scratchDir());

const postgresBin = findPostgresBin();

describe.skipIf(!postgresBin)('PostgreSQL init scripts, on a throwaway cluster', () => {
  let server: TempPostgres;
  const passwords = {
    KEYCLOAK_DB_PASSWORD: env.value('KEYCLOAK_DB_PASSWORD'),
    CHATWOOT_DB_PASSWORD: env.value('CHATWOOT_DB_PASSWORD'),
    SYNAPSE_DB_PASSWORD: env.value('SYNAPSE_DB_PASSWORD'),
    ORCHESTRATOR_DB_PASSWORD: env.value('ORCHESTRATOR_DB_PASSWORD'),
  };
  const scriptEnv = (extra: Record<string, string> = {}) => ({ ...process.env, ...server.superuserEnv, PATH: `${postgresBin}:${process.env['PATH'] ?? ''}`, ...passwords, ...extra });
  const login = async (user: string, password: string, database: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user, password, database });
    await client.connect();
    try {
      return (await client.query<{ who: string }>('SELECT current_user AS who')).rows[0]?.who;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    server = await startTempPostgres(postgresBin as string);
    const result = run('bash', ['infra/compose/postgres/10-create-databases.sh'], { env: scriptEnv() });
    if (result.status !== 0) throw new Error(`10-create-databases.sh failed: ${result.stderr}`);
  });
  afterAll(() => server?.stop());

  it('creates one database per service, owned by its own role', () => {
    const rows = server.sql('postgres', "SELECT d.datname || ':' || r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname IN ('keycloak','chatwoot','synapse','orchestrator') ORDER BY 1");
    expect(rows.split('\n')).toEqual(['chatwoot:chatwoot', 'keycloak:keycloak', 'orchestrator:orchestrator', 'synapse:synapse']);
  });

  it('gives Synapse a UTF8 database with C collation and ctype', () => {
    expect(server.sql('postgres', "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype FROM pg_database WHERE datname = 'synapse'")).toBe('UTF8 C C');
  });

  it('creates service roles that are not superusers and cannot bypass row-level security', () => {
    const rows = server.sql('postgres', "SELECT rolname || ' ' || rolsuper || ' ' || rolbypassrls || ' ' || rolcreaterole || ' ' || rolcreatedb FROM pg_roles WHERE rolname IN ('keycloak','chatwoot','synapse','orchestrator') ORDER BY 1");
    expect(rows.split('\n')).toEqual(['chatwoot false false false false', 'keycloak false false false false', 'orchestrator false false true false', 'synapse false false false false']);
  });

  it('lets each service log in over TCP with its password, and nobody with a wrong one', async () => {
    for (const name of ['keycloak', 'chatwoot', 'synapse', 'orchestrator'] as const) {
      const password = passwords[`${name.toUpperCase()}_DB_PASSWORD` as keyof typeof passwords];
      expect(await login(name, password, name)).toBe(name);
    }
    await expect(login('keycloak', 'wrong', 'keycloak')).rejects.toThrow(/password authentication failed/);
  });

  it('lets the orchestrator run its migrations as its own role', () => {
    const databaseUrl = `postgres://orchestrator:${passwords.ORCHESTRATOR_DB_PASSWORD}@127.0.0.1:${server.port}/orchestrator`;
    const result = run(process.execPath, ['orchestrator/src/db/migrate-cli.ts'], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/', DATABASE_URL: databaseUrl } });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    // Tables belong to the orchestrator role, and the row-level-security roles are its members.
    expect(Number(server.sql('orchestrator', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'orchestrator'"))).toBeGreaterThan(0);
    expect(server.sql('postgres', "SELECT string_agg(r.rolname, ',' ORDER BY r.rolname) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'orchestrator'")).toBe('wrrk_app,wrrk_worker');
  });

  it('stops, naming the variable, when a password is missing', () => {
    const result = run('bash', ['infra/compose/postgres/10-create-databases.sh'], { env: scriptEnv({ SYNAPSE_DB_PASSWORD: '' }) });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SYNAPSE_DB_PASSWORD is empty');
  });

  it("creates the extensions of Chatwoot's schema in its database", (context) => {
    const script = read('infra/compose/postgres/20-chatwoot-extensions.sh');
    for (const extension of ['pg_trgm', 'pgcrypto', 'pg_stat_statements', 'vector']) expect(script).toContain(`CREATE EXTENSION IF NOT EXISTS ${extension};`);
    // The pgvector image ships `vector`; a plain PostgreSQL install may not.
    if (server.sql('postgres', "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'") !== '1') {
      context.skip('the vector extension is not installed on this machine (postgresql-NN-pgvector)');
    }
    const result = run('bash', ['infra/compose/postgres/20-chatwoot-extensions.sh'], { env: scriptEnv() });
    expect(result.status, result.stderr).toBe(0);
    expect(server.sql('chatwoot', 'SELECT string_agg(extname, \',\' ORDER BY extname) FROM pg_extension')).toBe('pg_stat_statements,pg_trgm,pgcrypto,plpgsql,vector');
  });
});
