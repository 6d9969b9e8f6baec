/**
 * `npm run bench`: approval creation and listing under concurrent load on the real PostgreSQL.
 *
 * Starts the production entry point (`orchestrator/src/server.ts`) as its own process against a
 * throwaway database on DATABASE_URL's server (Redis from REDIS_URL when set), with the test
 * issuer for tokens and rate limits raised out of the way; drives it with autocannon; then runs
 * every `infra/bench/*.bench.ts` that exports `run(context)`. Prints a table and writes
 * infra/bench/results/latest.json. Knobs: BENCH_DURATION_SECONDS (default 10),
 * BENCH_CONNECTIONS (default 24).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { ACME, PERSONAS, startTestIssuer } from '@wrrk/orchestrator/testing/test-issuer.ts';
import { measure, type BenchContext, type BenchResult } from './bench-kit.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env['REDIS_URL'] || undefined;
const durationSeconds = Number(process.env['BENCH_DURATION_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 24);
const SEED_ROWS = 3000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function waitHealthy(baseUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`orchestrator exited with ${child.exitCode}:\n${stderr()}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`orchestrator did not become healthy:\n${stderr()}`);
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function printTable(results: BenchResult[]) {
  const rows = results.map((r) => [r.name, String(r.requestsPerSecond), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1), String(r.requests), String(r.non2xx + r.errors), `${r.connections}×${r.durationSeconds}s`]);
  const header = ['benchmark', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx+err', 'load'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  for (const r of results) if (r.note) console.log(`  ${r.name}: ${r.note}`);
}

const dbName = `wrrk_bench_${randomBytes(5).toString('hex')}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const issuer = await startTestIssuer();
let child: ChildProcess | undefined;
const results: BenchResult[] = [];
const startedAt = new Date();
const loadAtStart = loadavg()[0]!;

try {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${dbName} TEMPLATE template0`));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info', // real request logging, written to /dev/null
    DATABASE_URL: dbUrl.toString(),
    DATABASE_POOL_MAX: '20',
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: issuer.audience,
    RATE_LIMIT_READS_PER_MINUTE: '100000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  let stderr = '';
  child = spawn(process.execPath, [join(root, 'orchestrator/src/server.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitHealthy(baseUrl, child, () => stderr);

  const context: BenchContext = {
    baseUrl,
    databaseUrl: dbUrl.toString(),
    redisUrl,
    env,
    issuer,
    token: (persona) => issuer.token(persona, { expiresInSeconds: 3600 }),
    durationSeconds,
    connections,
    measure,
  };
  const carolToken = await context.token(PERSONAS.carol);
  const auth = { authorization: `Bearer ${carolToken}` };
  const acme = encodeURIComponent(ACME);
  console.log(`orchestrator on ${baseUrl} (PostgreSQL ${dbName}${redisUrl ? ', Redis' : ''}); ${connections} connections × ${durationSeconds}s per run; ${cpus().length} CPUs, load ${loadAtStart.toFixed(1)}`);

  // Creation in one tenant: every request appends to the same audit chain (serialised per tenant).
  results.push(
    await measure({
      name: 'POST /api/approvals (one tenant)',
      url: `${baseUrl}/api/approvals?tenantId=${acme}`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Refund over limit', description: 'Customer asks for a 2,000 EUR refund', priority: 'high', metadata: { bench: true } }),
      durationSeconds,
      connections,
      note: 'each creation writes the approval and its hash-chained audit entry (chain locked per tenant) in one transaction; no integrations configured, so no outbox rows',
    }),
  );

  // The same across eight tenants: chains are independent, so tenants proceed in parallel.
  const tenants = Array.from({ length: 8 }, (_, i) => `/organizations/bench-${i}`);
  const multiToken = await context.token({ ...PERSONAS.carol, groups: tenants });
  results.push(
    await measure({
      name: 'POST /api/approvals (8 tenants)',
      url: baseUrl,
      method: 'POST',
      headers: { authorization: `Bearer ${multiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Refund over limit', description: 'spread over tenants', priority: 'medium' }),
      path: (i) => `/api/approvals?tenantId=${encodeURIComponent(tenants[i % tenants.length]!)}`,
      durationSeconds: Math.max(3, Math.round(durationSeconds / 2)),
      connections,
    }),
  );

  // Listing needs a populated tenant: top up to SEED_ROWS with plain inserts if creation made fewer.
  const { count, ids } = await withClient(dbUrl.toString(), async (client) => {
    const existing = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM approvals WHERE tenant_id = $1', [ACME])).rows[0]!.n);
    if (existing < SEED_ROWS) {
      await client.query(
        `INSERT INTO approvals (tenant_id, title, priority, requested_by, requested_by_name, due_at, created_at, updated_at)
         SELECT $1, 'seeded ' || g, 'medium', $2, 'Seeder', now() + interval '1 day', now() - g * interval '1 second', now()
         FROM generate_series(1, $3::int) AS g`,
        [ACME, PERSONAS.alice.sub, SEED_ROWS - existing],
      );
    }
    // Fresh statistics, as autovacuum would have by now in a running system (else the planner
    // still believes the table is nearly empty and sorts the whole tenant for every page).
    await client.query('ANALYZE approvals');
    const total = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM approvals WHERE tenant_id = $1', [ACME])).rows[0]!.n);
    const sample = (await client.query<{ id: string }>('SELECT id FROM approvals WHERE tenant_id = $1 ORDER BY random() LIMIT 1000', [ACME])).rows.map((r) => r.id);
    return { count: total, ids: sample };
  });

  results.push(
    await measure({
      name: 'GET /api/approvals?limit=25',
      url: `${baseUrl}/api/approvals?tenantId=${acme}&limit=25`,
      headers: auth,
      durationSeconds,
      connections,
      note: `newest-first page of 25 from a tenant holding ${count} approvals`,
    }),
  );
  results.push(
    await measure({
      name: 'GET /api/approvals/:id',
      url: baseUrl,
      headers: auth,
      path: (i) => `/api/approvals/${ids[i % ids.length]}?tenantId=${acme}`,
      durationSeconds,
      connections,
      note: `authenticated (RS256 verified per request), ${ids.length} distinct ids`,
    }),
  );

  // Extra benchmarks contributed beside this file.
  for (const file of readdirSync(here).filter((name) => name.endsWith('.bench.ts')).sort()) {
    const module = (await import(pathToFileURL(join(here, file)).href)) as { run?: (context: BenchContext) => Promise<BenchResult | BenchResult[]> };
    if (typeof module.run !== 'function') {
      console.warn(`${file}: no run() export, skipped`);
      continue;
    }
    console.log(`running ${file}`);
    try {
      const produced = await module.run(context);
      results.push(...(Array.isArray(produced) ? produced : [produced]));
    } catch (error) {
      console.error(`${file} failed:`, error);
      process.exitCode = 1;
    }
  }

  printTable(results);
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    node: process.version,
    postgres: (await withClient(dbUrl.toString(), (client) => client.query<{ v: string }>('SELECT current_setting($$server_version$$) AS v'))).rows[0]?.v,
    redis: Boolean(redisUrl),
    // Orchestrator, PostgreSQL and the load generator share this machine: figures scale with it.
    machine: { cpus: cpus().length, loadAverage1mAtStart: loadAtStart, loadAverage1mAtEnd: loadavg()[0] },
    connections,
    durationSeconds,
    results,
  };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten ${join('infra/bench/results/latest.json')}`);
  if (results.some((r) => r.errors > 0 || r.non2xx > 0)) {
    console.error('some requests failed: see non-2xx+err');
    process.exitCode = 1;
  }
} finally {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  await issuer.close();
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch((error: unknown) => console.error('could not drop', dbName, error));
}
