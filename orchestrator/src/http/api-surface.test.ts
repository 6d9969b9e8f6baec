import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, PERSONAS } from '../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../testing/test-orchestrator.ts';

/** The OpenAPI document and docs page, request ids, and input PostgreSQL cannot store. */

const { alice } = PERSONAS;
const q = `tenantId=${encodeURIComponent(ACME)}`;
let t: TestOrchestrator;

beforeAll(async () => {
  t = await startTestOrchestrator();
});
afterAll(() => t.shutdown());

async function structuralErrors(document: unknown): Promise<string[]> {
  const config = await createConfig({ rules: { struct: 'error' } });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.filter((p) => p.severity === 'error').map((p) => `${p.location[0]?.pointer ?? ''}: ${p.message}`);
}

describe('GET /api/openapi.json', () => {
  it('is a structurally valid OpenAPI 3.1 document (checked by Redocly)', async () => {
    const res = await t.call(null, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; info: { title: string }; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(await structuralErrors(doc)).toEqual([]);
    // The validator itself does reject a broken document.
    expect(await structuralErrors({ ...doc, info: { title: 'no version' }, paths: { '/x': { get: { responses: { 200: { description: 7 } } } } } })).not.toEqual([]);
  });

  it('lists the design\'s paths and methods', async () => {
    const doc = (await (await t.call(null, 'GET', '/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const expected: Record<string, string[]> = {
      '/api/approvals': ['get', 'post'],
      '/api/approvals/{id}': ['get', 'patch'],
      '/api/audit': ['get', 'post'],
      '/api/audit/resource/{type}/{id}': ['get'],
      '/api/audit/verify': ['get'],
      '/api/audit/export': ['get'],
      '/api/events': ['get'],
      '/api/health': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(doc.paths, path).toHaveProperty([path]);
      for (const method of methods) expect(Object.keys(doc.paths[path]!), `${method} ${path}`).toContain(method);
    }
    // Errors are documented in the shared shape.
    const post = doc.paths['/api/approvals']!['post'] as { responses: Record<string, { content: Record<string, { schema: { $ref?: string } }> }> };
    for (const status of ['400', '401', '403', '429', '503']) expect(post.responses[status]!.content['application/json']!.schema.$ref).toBe('#/components/schemas/Error');
  });
});

describe('GET /api/docs', () => {
  it('serves the interactive reference as HTML pointing at the document', async () => {
    const res = await t.call(null, 'GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain('/api/openapi.json');
  });
});

describe('X-Request-Id', () => {
  it('is generated when absent and echoed in the header and the error body', async () => {
    const res = await t.call(null, 'GET', `/api/approvals?${q}`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
  });

  it('accepts a safe id from the caller and carries it into the audit trail', async () => {
    const incoming = 'shell-7f3a9c21:req.42';
    const res = await t.call(alice, 'POST', `/api/approvals?${q}`, { title: 'traced', priority: 'low' }, { 'x-request-id': incoming });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(incoming);
    const { id } = (await res.json()) as { id: string };
    const history = await t.call(alice, 'GET', `/api/audit/resource/approval/${id}?${q}`);
    expect(((await history.json()) as { items: Array<{ requestId: string }> }).items[0]!.requestId).toBe(incoming);
  });

  it('replaces an unsafe or oversized id instead of echoing it', async () => {
    for (const unsafe of ['short', 'has spaces in it', '<script>alert(1)</script>', 'x'.repeat(129), 'quote"injection-123', 'line%0d%0abreak']) {
      const res = await t.call(null, 'GET', '/api/health', undefined, { 'x-request-id': unsafe });
      const echoed = res.headers.get('x-request-id');
      expect(echoed, unsafe).not.toBe(unsafe);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('valid JSON that PostgreSQL cannot store', () => {
  it('answers 400 in the error shape, never 500', async () => {
    const bodies: Array<[string, string, unknown]> = [
      ['POST', `/api/approvals?${q}`, { title: 'nul \u0000 in title', priority: 'low' }],
      ['POST', `/api/approvals?${q}`, { title: 'ok', description: 'nul \u0000 in text' }],
      ['POST', `/api/approvals?${q}`, { title: 'ok', metadata: { note: 'nul \u0000 in jsonb' } }],
      ['POST', `/api/approvals?${q}`, { title: 'ok', metadata: { ['key\u0000']: 1 } }],
      ['POST', `/api/approvals?${q}`, { title: 'ok', metadata: { note: 'lone \ud800 surrogate' } }],
      ['POST', `/api/audit?${q}`, { action: 'module.opened', resourceType: 'module', resourceId: 'nul\u0000' }],
    ];
    for (const [method, path, body] of bodies) {
      const res = await t.call(alice, method, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'bad_request', error: expect.stringMatching(/cannot be stored/), requestId: res.headers.get('x-request-id') });
    }
    // Nothing half-written: the approval list holds only what was accepted.
    const list = await t.call(alice, 'GET', `/api/approvals?${q}`);
    expect(((await list.json()) as { items: Array<{ title: string }> }).items.map((a) => a.title)).toEqual(['traced']);
  });
});
