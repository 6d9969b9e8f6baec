import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import pino from 'pino';
import { startDevProvider, type DevProvider } from '@wrrk/keycloak/dev-provider/index.ts';
import { loadConfig } from '@wrrk/orchestrator/config/env.ts';
import { createOrchestrator, type Orchestrator } from '@wrrk/orchestrator/orchestrator.ts';
import { REPO_DIR, SHELL_DIR, STANDALONE_SERVER } from './build.ts';

/**
 * The embedded default, assembled for a test: the development OpenID provider (real OIDC, the
 * realm file and its demo users), the orchestrator in-process on an in-memory PGlite, and the
 * shell's production build (standalone server) as a child process on a free port.
 */
export interface Stack {
  shellUrl: string;
  issuer: string;
  orchestratorUrl: string;
  idp: DevProvider;
  orchestrator: Orchestrator;
  /** Restarts the identity provider on the same address with no memory of sessions or grants. */
  restartIdp(): Promise<void>;
  /** The shell's stdout/stderr so far (for failure messages). */
  shellLog(): string;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Extra variables for the shell (CHATWOOT_URL, JITSI_URL, …). */
  shellEnv?: Record<string, string>;
  /** Extra variables for the orchestrator. */
  orchestratorEnv?: Record<string, string>;
  /** Realm settings to override in a copy of the realm file (e.g. a short accessTokenLifespan). */
  realmOverrides?: Record<string, unknown>;
}

export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the shell exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${log()}`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const shellPort = await freePort();
  const shellUrl = `http://localhost:${shellPort}`;
  let realmDir: string | null = null;
  let realmFile: string | undefined;
  if (options.realmOverrides) {
    realmDir = mkdtempSync(path.join(tmpdir(), 'wrrk-realm-'));
    realmFile = path.join(realmDir, 'wrrk-realm.json');
    const realm = JSON.parse(readFileSync(path.join(REPO_DIR, 'keycloak', 'wrrk-realm.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(realmFile, JSON.stringify({ ...realm, ...options.realmOverrides }));
  }
  const idpOptions = { dataDir: null, ...(realmFile ? { realmFile } : {}), env: { SHELL_URL: shellUrl } };
  let idp = await startDevProvider({ port: 0, ...idpOptions });

  const orchestrator = await createOrchestrator(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      OIDC_ISSUER: idp.issuer,
      PGLITE_DATA_DIR: 'memory://',
      SHELL_URL: shellUrl,
      RATE_LIMIT_READS_PER_MINUTE: '100000',
      RATE_LIMIT_WRITES_PER_MINUTE: '100000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
      SSE_HEARTBEAT_SECONDS: '15',
      ...options.orchestratorEnv,
    }),
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
  const orchestratorServer = serve({ fetch: orchestrator.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (orchestratorServer.listening ? resolve() : orchestratorServer.once('listening', () => resolve())));
  const orchestratorUrl = `http://127.0.0.1:${(orchestratorServer.address() as AddressInfo).port}`;

  let log = '';
  const child = spawn(process.execPath, [STANDALONE_SERVER], {
    cwd: path.dirname(STANDALONE_SERVER),
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      PORT: String(shellPort),
      HOSTNAME: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXTAUTH_URL: shellUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      OIDC_ISSUER: idp.issuer,
      ORCHESTRATOR_URL: orchestratorUrl,
      // Tenant display names come from the repository's realm file and demo data.
      KEYCLOAK_REALM_FILE: path.join(REPO_DIR, 'keycloak', 'wrrk-realm.json'),
      ...options.shellEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(`http://127.0.0.1:${shellPort}/api/health`, 60_000, child, () => log);

  return {
    shellUrl,
    issuer: idp.issuer,
    orchestratorUrl,
    get idp() {
      return idp;
    },
    orchestrator,
    async restartIdp() {
      const { port, url } = idp;
      await idp.close();
      idp = await startDevProvider({ port, issuerBase: url, ...idpOptions });
    },
    shellLog: () => log,
    async close() {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise<void>((resolve) => {
        orchestratorServer.close(() => resolve());
        (orchestratorServer as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await orchestrator.close();
      await idp.close();
      if (realmDir) rmSync(realmDir, { recursive: true, force: true });
    },
  };
}

export { SHELL_DIR };
