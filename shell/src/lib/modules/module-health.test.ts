import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkModuleHealth, clearHealthCache } from './module-health';
import { findModule } from './registry';

let server: Server;
let base = '';
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"woot"}');
    else if (req.url === '/version') res.writeHead(503).end();
    else if (req.url === '/api/health') res.writeHead(200).end('{}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  clearHealthCache();
  hits = 0;
});

const deps = (urls: Partial<Record<'CHATWOOT_URL' | 'ELEMENT_URL' | 'JITSI_URL', string | null>>, orchestratorUrl = base) => ({
  urls: { CHATWOOT_URL: null, ELEMENT_URL: null, JITSI_URL: null, ...urls },
  orchestratorUrl,
  timeoutMs: 1_000,
});

describe('module health', () => {
  it('says which variable to set when a system is not configured', async () => {
    expect(await checkModuleHealth(findModule('inbox'), deps({}))).toMatchObject({ status: 'unconfigured', variable: 'CHATWOOT_URL' });
    expect(await checkModuleHealth(findModule('consultations'), deps({}))).toMatchObject({ status: 'unconfigured', variable: 'JITSI_URL' });
    expect(hits).toBe(0);
  });

  it("probes the system's own endpoint and caches a healthy answer", async () => {
    expect(await checkModuleHealth(findModule('inbox'), deps({ CHATWOOT_URL: base }))).toMatchObject({ status: 'ok' });
    await checkModuleHealth(findModule('inbox'), deps({ CHATWOOT_URL: base }));
    expect(hits).toBe(1);
  });

  it('reports an error answer as degraded and a closed port as unreachable, naming the URL', async () => {
    expect(await checkModuleHealth(findModule('chat'), deps({ ELEMENT_URL: base }))).toMatchObject({ status: 'degraded', detail: 'answered 503', url: `${base}/version` });
    const closed = 'http://127.0.0.1:9';
    expect(await checkModuleHealth(findModule('consultations'), deps({ JITSI_URL: closed }))).toMatchObject({ status: 'unreachable', variable: 'JITSI_URL', url: `${closed}/external_api.js` });
  });

  it('checks native modules through the orchestrator', async () => {
    expect(await checkModuleHealth(findModule('approvals'), deps({}))).toMatchObject({ status: 'ok' });
    clearHealthCache();
    expect(await checkModuleHealth(findModule('audit'), deps({}, 'http://127.0.0.1:9'))).toMatchObject({ status: 'unreachable', variable: 'ORCHESTRATOR_URL' });
  });
});
