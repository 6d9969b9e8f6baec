/**
 * Signed Chatwoot webhook ingestion against the running orchestrator (real HTTP server, real
 * PostgreSQL), next to the floor it is bounded by: a plain single-row insert into the same
 * PostgreSQL, from the same number of concurrent clients, in the same run.
 *
 * Each webhook is unique (its own delivery id, timestamp and HMAC, like Chatwoot's), goes
 * through the whole receive path — freshness, secret lookup, HMAC over the raw bytes, replay
 * guard, zod validation, durable dedup insert — and is processed in the background by the
 * orchestrator's inbox worker while the load runs, as in production.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { contractsDir } from '@wrrk/chatwoot/spec-paths.ts';
import { computeSignature } from '@wrrk/orchestrator/chatwoot/webhook-signature.ts';
import type { BenchContext, BenchResult } from './bench-kit.ts';

const ACCOUNT_ID = 900_001;
const TENANT = '/organizations/bench-chatwoot';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The floor: INSERT one row (a unique key and a JSON payload of the same size) per round trip. */
async function plainInsert(context: BenchContext, payloadBytes: number): Promise<BenchResult> {
  const pool = new pg.Pool({ connectionString: context.databaseUrl, max: context.connections });
  const table = `bench_plain_insert_${randomBytes(3).toString('hex')}`;
  await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), delivery_id text NOT NULL UNIQUE, payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`);
  const payload = JSON.stringify({ event: 'message_created', padding: 'x'.repeat(Math.max(0, payloadBytes - 40)) });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + context.durationSeconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: context.connections }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          try {
            await pool.query(`INSERT INTO ${table} (delivery_id, payload) VALUES ($1, $2)`, [randomUUID(), payload]);
            latencies.push(performance.now() - started);
          } catch {
            errors += 1;
          }
        }
      }),
    );
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await pool.end();
  }
  latencies.sort((a, b) => a - b);
  return {
    name: 'plain single-row INSERT (same PostgreSQL)',
    requestsPerSecond: Math.round(latencies.length / context.durationSeconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    requests: latencies.length,
    non2xx: 0,
    errors,
    durationSeconds: context.durationSeconds,
    connections: context.connections,
    note: `${context.connections} pooled clients, one INSERT (uuid key, unique delivery id, ${payloadBytes}-byte jsonb) per round trip, no HTTP`,
  };
}

export async function run(context: BenchContext): Promise<BenchResult[]> {
  const secret = randomBytes(24).toString('base64url');
  const owner = new pg.Client({ connectionString: context.databaseUrl });
  await owner.connect();
  try {
    await owner.query(
      `INSERT INTO tenant_settings (tenant_id, chatwoot_account_id, chatwoot_webhook_secret, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (tenant_id) DO UPDATE SET chatwoot_account_id = $2, chatwoot_webhook_secret = $3`,
      [TENANT, ACCOUNT_ID, secret],
    );
  } finally {
    await owner.end();
  }

  // The contract's example of a customer message, re-pointed at the bench account.
  const example = JSON.parse(readFileSync(join(contractsDir(), 'webhook-examples-derived', 'message_created.incoming.json'), 'utf8')) as Record<string, unknown>;
  const conversation = example['conversation'] as Record<string, unknown>;
  example['account'] = { id: ACCOUNT_ID, name: 'Bench' };
  conversation['account'] = { id: ACCOUNT_ID, name: 'Bench' };
  let sequence = 0;
  const bodyFor = (n: number) => {
    conversation['id'] = 1 + (n % 500);
    conversation['updated_at'] = Date.now() / 1000;
    example['id'] = 1_000_000 + n;
    return JSON.stringify(example);
  };
  const sampleBytes = Buffer.byteLength(bodyFor(0));

  const result = await autocannon({
    url: `${context.baseUrl}/api/webhooks/chatwoot?account_id=${ACCOUNT_ID}`,
    method: 'POST',
    connections: context.connections,
    duration: context.durationSeconds,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const body = bodyFor(sequence++);
          const timestamp = String(Math.floor(Date.now() / 1000));
          return {
            ...request,
            method: 'POST',
            body,
            headers: {
              'content-type': 'application/json',
              'x-chatwoot-timestamp': timestamp,
              'x-chatwoot-signature': computeSignature(secret, timestamp, body),
              'x-chatwoot-delivery': randomUUID(),
            },
          };
        },
      },
    ],
  });
  const ingest: BenchResult = {
    name: 'POST /api/webhooks/chatwoot (signed)',
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationSeconds: context.durationSeconds,
    connections: context.connections,
    note: `unique signed deliveries (${sampleBytes} bytes, HMAC + replay guard + zod + dedup insert), processed in the background meanwhile`,
  };
  return [ingest, await plainInsert(context, sampleBytes)];
}
