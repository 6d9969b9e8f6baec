import pino from 'pino';
import { loadConfig } from '../config/env.ts';
import { createOrchestrator, type Orchestrator } from '../orchestrator.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { startTestIssuer, type Persona, type TestIssuer } from './test-issuer.ts';

/**
 * A complete orchestrator for in-process tests (`app.request`): its own database (PGlite or a
 * throwaway PostgreSQL database), the test issuer for tokens, in-process or Redis fan-out.
 */
export interface TestOrchestrator extends Orchestrator {
  db: TestDatabase;
  issuer: TestIssuer;
  /** `fetch`-like call with a persona's bearer token and JSON handling. */
  call(persona: Persona | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  shutdown(): Promise<void>;
}

export interface TestOrchestratorOptions {
  env?: Record<string, string>;
  db?: TestDatabase;
  issuer?: TestIssuer;
}

export async function startTestOrchestrator(options: TestOrchestratorOptions = {}): Promise<TestOrchestrator> {
  const issuer = options.issuer ?? (await startTestIssuer());
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    OIDC_ISSUER: issuer.issuer,
    OIDC_AUDIENCE: issuer.audience,
    RATE_LIMIT_READS_PER_MINUTE: '100000',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    ...options.env,
  });
  const orchestrator = await createOrchestrator(config, { store: db.store, logger: pino({ level: 'silent' }), defaultMetrics: false });
  return {
    ...orchestrator,
    db,
    issuer,
    async call(persona, method, path, body, headers = {}) {
      const auth: Record<string, string> = persona ? { authorization: `Bearer ${await issuer.token(persona)}` } : {};
      return orchestrator.app.request(path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...auth, ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    async shutdown() {
      await orchestrator.close();
      if (!options.db) await db.close();
      if (!options.issuer) await issuer.close();
    },
  };
}
