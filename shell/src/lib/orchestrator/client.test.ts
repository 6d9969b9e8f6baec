import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrchestratorClient, errorFromResponse, OrchestratorError } from './client';

let server: Server;
let base = '';
let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};

const error = (status: number, message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ error: message, timestamp: new Date().toISOString(), requestId: 'upstream-id-1', ...extra });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      const path = (req.url ?? '').split('?')[0];
      if (path === '/api/approvals' && req.method === 'GET') res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"nextCursor":null}');
      else if (path === '/api/approvals/a1' && req.method === 'PATCH') res.writeHead(409, { 'content-type': 'application/json' }).end(error(409, 'approval is already approved', { details: { status: 'approved' } }));
      else if (path === '/api/approvals/a2') res.writeHead(403, { 'content-type': 'application/json' }).end(error(403, 'not a member of tenant /organizations/acme-corp'));
      else if (path === '/api/audit') res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end(error(429, 'slow down'));
      else if (path === '/api/audit/verify') res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>');
      else if (path === '/api/consultations') setTimeout(() => res.writeHead(200).end('{}'), 400);
      else res.writeHead(404, { 'content-type': 'application/json' }).end(error(404, 'approval not found'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (overrides: Partial<Parameters<typeof createOrchestratorClient>[0]> = {}) =>
  createOrchestratorClient({ baseUrl: base, accessToken: 'token-abc', tenantId: '/organizations/acme-corp', requestId: 'req-0123456789', ...overrides });

async function failure(promise: Promise<unknown>): Promise<OrchestratorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OrchestratorError) return error;
    throw error;
  }
  throw new Error('expected an OrchestratorError');
}

describe('orchestrator client', () => {
  it('sends the bearer token, the tenant and the request id on every call, and filters as lists', async () => {
    await client().listApprovals({ status: ['pending'], priority: ['high', 'urgent'], sort: 'due', limit: 5 });
    expect(seen.headers?.authorization).toBe('Bearer token-abc');
    expect(seen.headers?.['x-tenant-id']).toBe('/organizations/acme-corp');
    expect(seen.headers?.['x-request-id']).toBe('req-0123456789');
    expect(seen.url).toBe('/api/approvals?status=pending&priority=high%2Curgent&sort=due&limit=5');
  });

  it('maps a conflict to kind "conflict" with the orchestrator message, details and request id', async () => {
    const error = await failure(client().decideApproval('a1', { status: 'rejected', comment: 'no' }));
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body ?? '')).toEqual({ status: 'rejected', comment: 'no' });
    expect(error).toMatchObject({ kind: 'conflict', status: 409, upstreamStatus: 409, message: 'approval is already approved', details: { status: 'approved' }, requestId: 'upstream-id-1' });
  });

  it('maps 403, 404 and 429 (keeping Retry-After)', async () => {
    expect(await failure(client().getApproval('a2'))).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(await failure(client().getApproval('nope'))).toMatchObject({ kind: 'not_found', status: 404, message: 'approval not found' });
    expect(await failure(client().listAudit())).toMatchObject({ kind: 'rate_limited', status: 429, retryAfter: '7' });
  });

  it("turns the orchestrator's own failure into a gateway error, even without a JSON body", async () => {
    expect(await failure(client().verifyAudit())).toMatchObject({ kind: 'unavailable', status: 502, upstreamStatus: 500, message: 'orchestrator answered 500' });
  });

  it('names ORCHESTRATOR_URL when the orchestrator is unreachable, and reports a timeout as 504', async () => {
    const refused = await failure(client({ baseUrl: 'http://127.0.0.1:9' }).listApprovals());
    expect(refused).toMatchObject({ kind: 'unavailable', status: 503, upstreamStatus: null });
    expect(refused.message).toContain('ORCHESTRATOR_URL');
    const slow = await failure(client({ timeoutMs: 100 }).listConsultations());
    expect(slow).toMatchObject({ kind: 'unavailable', status: 504 });
  });

  it('leaves out what is not there: no token, no tenant', async () => {
    await client({ accessToken: null, tenantId: null }).health().catch(() => {});
    expect(seen.headers?.authorization).toBeUndefined();
    expect(seen.headers?.['x-tenant-id']).toBeUndefined();
  });

  it('maps unknown statuses to a failed gateway answer', () => {
    expect(errorFromResponse(418, null, 'r')).toMatchObject({ kind: 'failed', status: 502, message: 'orchestrator answered 418' });
  });
});
