import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrchestratorError } from '../orchestrator/client';
import { assertSameOrigin, errorResponse, readJson, ShellApiError } from './route-helpers';
import { safeCallbackPath } from './safe-callback';

const request = (method: string, headers: Record<string, string>, body?: string) => new Request('http://localhost:3000/api/approvals', { method, headers, body });

describe('shell API guards', () => {
  it('accepts state changes only from the shell itself (CSRF)', () => {
    expect(() => assertSameOrigin(request('POST', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }), 'http://localhost:3000')).not.toThrow();
    expect(() => assertSameOrigin(request('POST', { origin: 'https://evil.example' }), 'http://localhost:3000')).toThrow(/cross-origin/);
    expect(() => assertSameOrigin(request('PATCH', { 'sec-fetch-site': 'cross-site' }), 'http://localhost:3000')).toThrow(/cross-site/);
    expect(() => assertSameOrigin(request('POST', {}), 'http://localhost:3000')).toThrow(/Origin header missing/);
    expect(() => assertSameOrigin(request('GET', { origin: 'https://evil.example' }), 'http://localhost:3000')).not.toThrow();
  });

  it('answers bad bodies with 4xx naming the field', async () => {
    const schema = z.object({ title: z.string().min(1) });
    await expect(readJson(request('POST', { 'content-type': 'text/plain' }, 'x'), schema)).rejects.toMatchObject({ status: 415 });
    await expect(readJson(request('POST', { 'content-type': 'application/json' }, '{'), schema)).rejects.toMatchObject({ status: 400, message: 'body is not valid JSON' });
    await expect(readJson(request('POST', { 'content-type': 'application/json' }, '{"title":""}'), schema)).rejects.toMatchObject({ status: 400, details: [{ path: 'title' }] });
    await expect(readJson(request('POST', { 'content-type': 'application/json' }, '{"title":"ok"}'), schema)).resolves.toEqual({ title: 'ok' });
  });

  it("passes the orchestrator's status and message through in the design's error shape", async () => {
    const response = errorResponse(new OrchestratorError({ kind: 'conflict', status: 409, upstreamStatus: 409, message: 'approval is already approved', requestId: 'r-1', details: { status: 'approved' } }), 'r-0');
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: 'approval is already approved', code: 'conflict', details: { status: 'approved' }, requestId: 'r-1', timestamp: expect.any(String) });
    const own = errorResponse(new ShellApiError(403, 'forbidden', 'nope'), 'r-2');
    expect(await own.json()).toMatchObject({ error: 'nope', requestId: 'r-2' });
  });

  it('only returns to same-site paths after sign-in', () => {
    expect(safeCallbackPath('/app/approvals?id=1')).toBe('/app/approvals?id=1');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/app\n/x', '', null, undefined]) expect(safeCallbackPath(bad)).toBe('/app');
  });
});
