import autocannon from 'autocannon';
import type { Persona, TestIssuer } from '@wrrk/orchestrator/testing/test-issuer.ts';

/**
 * The contract between `npm run bench` (infra/bench/run.ts) and the extra benchmarks beside it.
 * A file `infra/bench/<name>.bench.ts` that exports `run(context)` is picked up by the runner:
 * it gets the running orchestrator and its database, measures with `measure()` (or its own
 * means), and returns one or more results, which the runner prints and saves.
 */
export interface BenchContext {
  /** Base URL of the orchestrator under test (real HTTP server on the real PostgreSQL). */
  baseUrl: string;
  /** Connection string of the throwaway database behind it (owner role). */
  databaseUrl: string;
  redisUrl: string | undefined;
  /** The environment the orchestrator was started with. */
  env: Readonly<Record<string, string>>;
  issuer: TestIssuer;
  /** A bearer token for a persona (valid for the whole run). */
  token(persona: Persona): Promise<string>;
  durationSeconds: number;
  connections: number;
  measure(options: MeasureOptions): Promise<BenchResult>;
}

export interface BenchResult {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  connections: number;
  note?: string;
}

export interface MeasureOptions {
  name: string;
  url: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Rotates each request (e.g. through ids or tenants); index counts requests sent. */
  path?: (index: number) => string;
  durationSeconds: number;
  connections: number;
  note?: string;
}

export async function measure(options: MeasureOptions): Promise<BenchResult> {
  let index = 0;
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.path
      ? { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: options.path!(index++) }) }] }
      : {}),
  });
  return {
    name: options.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationSeconds: options.durationSeconds,
    connections: options.connections,
    ...(options.note ? { note: options.note } : {}),
  };
}
