import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/** GET /metrics: request counts and latencies by route pattern (bounded labels) and the db pool. */

const { alice } = PERSONAS;
const q = `tenantId=${encodeURIComponent(ACME)}`;
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

async function metrics(): Promise<string> {
  const res = await t.call(null, 'GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.slice(line.indexOf('}') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts requests by method, route pattern and status, never by raw path', async () => {
    const created = await t.call(alice, 'POST', `/api/approvals?${q}`, { title: 'metered', priority: 'low' });
    const { id } = (await created.json()) as { id: string };
    for (let i = 0; i < 3; i += 1) expect((await t.call(alice, 'GET', `/api/approvals/${id}?${q}`)).status).toBe(200);
    expect((await t.call(alice, 'GET', `/api/approvals/00000000-0000-4000-8000-000000000000?${q}`)).status).toBe(404);
    expect((await t.call(null, 'GET', `/api/approvals/${id}?${q}`)).status).toBe(401);
    expect((await t.call(alice, 'GET', '/api/no-such-thing')).status).toBe(404);

    const text = await metrics();
    expect(text).toContain('# TYPE wrrk_http_requests_total counter');
    expect(sample(text, 'wrrk_http_requests_total', { method: 'POST', route: '/api/approvals', status: '201' })).toBe(1);
    expect(sample(text, 'wrrk_http_requests_total', { method: 'GET', route: '/api/approvals/:id', status: '200' })).toBe(3);
    expect(sample(text, 'wrrk_http_requests_total', { method: 'GET', route: '/api/approvals/:id', status: '404' })).toBe(1);
    expect(sample(text, 'wrrk_http_requests_total', { method: 'GET', route: '/api/approvals/:id', status: '401' })).toBe(1);
    expect(text).not.toContain(id);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(text).not.toContain('no-such-thing');
  });

  it('records latencies per route in a histogram', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE wrrk_http_request_duration_seconds histogram');
    expect(sample(text, 'wrrk_http_request_duration_seconds_count', { method: 'GET', route: '/api/approvals/:id', status: '200' })).toBe(3);
    expect(sample(text, 'wrrk_http_request_duration_seconds_bucket', { method: 'GET', route: '/api/approvals/:id', status: '200', le: '+Inf' })).toBe(3);
    expect(sample(text, 'wrrk_http_request_duration_seconds_sum', { method: 'GET', route: '/api/approvals/:id', status: '200' })).toBeGreaterThan(0);
  });

  it('exposes the database pool gauge', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE wrrk_db_pool_connections gauge');
    const total = sample(text, 'wrrk_db_pool_connections', { state: 'total' });
    expect(total).toBeGreaterThanOrEqual(1); // the pool has served the requests above
    expect(sample(text, 'wrrk_db_pool_connections', { state: 'idle' })).toBeLessThanOrEqual(total!);
    expect(sample(text, 'wrrk_db_pool_connections', { state: 'waiting' })).toBe(0);
  });
});
