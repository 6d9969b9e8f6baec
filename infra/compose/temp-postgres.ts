import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster (initdb + pg_ctl from the machine's PostgreSQL), for tests that
 * must run scripts as the postgres image would: a fresh cluster, superuser over the socket,
 * password logins over TCP. Nothing of the machine's own server is touched.
 */
export interface TempPostgres {
  readonly port: number;
  readonly socketDir: string;
  /** Environment that points psql / libpq at the cluster as its superuser. */
  readonly superuserEnv: Record<string, string>;
  /** Runs SQL as the superuser (over the socket) and returns psql's unaligned output. */
  sql(database: string, statement: string): string;
  stop(): void;
}

/** Directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(root, version, 'bin');
      if (['initdb', 'pg_ctl', 'psql'].every((name) => existsSync(join(dir, name)))) return dir;
    }
  }
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir && ['initdb', 'pg_ctl', 'psql'].every((name) => existsSync(join(dir, name)))) return dir;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function postgresUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export async function startTempPostgres(binDir: string): Promise<TempPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'wrrk-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  const port = await freePort();
  // initdb refuses to run as root: run the server binaries as the postgres user then.
  const owner = postgresUid();
  if (owner) chownSync(root, owner.uid, owner.gid);
  const asOwner = (command: string, args: string[]) =>
    owner ? spawnSync('runuser', ['-u', 'postgres', '--', join(binDir, command), ...args], { encoding: 'utf8' }) : spawnSync(join(binDir, command), args, { encoding: 'utf8' });
  const check = (result: ReturnType<typeof spawnSync>, what: string) => {
    if (result.status !== 0) throw new Error(`${what} failed: ${String(result.stderr)}${String(result.stdout)}`);
  };

  check(asOwner('initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']), 'initdb');
  // Password logins over TCP, as the services connect; the socket stays trusted for setup.
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
  if (owner) chownSync(join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
  check(
    asOwner('pg_ctl', ['-D', dataDir, '-w', '-t', '30', '-l', join(root, 'server.log'), '-o', `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']),
    'pg_ctl start',
  );

  const superuserEnv = { PGHOST: socketDir, PGPORT: String(port), PGUSER: 'postgres', POSTGRES_USER: 'postgres' };
  return {
    port,
    socketDir,
    superuserEnv,
    sql(database, statement) {
      return execFileSync(join(binDir, 'psql'), ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-At', '-d', database, '-c', statement], {
        encoding: 'utf8',
        env: { ...process.env, ...superuserEnv },
      }).trim();
    },
    stop() {
      asOwner('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
