import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createDeliverers } from '../../integrations/deliverers.ts';
import { createOutboxWorker, type OutboxWorker } from '../../outbox/outbox-worker.ts';
import { ACME, GLOBEX } from '../../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../../testing/test-orchestrator.ts';
import { saveChatwootConnection } from '../chatwoot-settings.ts';
import { startChatwootDouble, type ChatwootDouble, type DoubleUser } from './chatwoot-double.ts';

/**
 * One test world: the Chatwoot double, an orchestrator on a real HTTP port (Chatwoot posts its
 * webhooks there), the ACME and Globex tenants connected to their own Chatwoot accounts through
 * webhooks registered with their own secrets, and an outbox worker with a clock tests can move.
 */
export interface ChatwootWorld {
  chatwoot: ChatwootDouble;
  orchestrator: TestOrchestrator;
  baseUrl: string;
  serviceUser: DoubleUser;
  acme: { tenantId: string; accountId: number; secret: string };
  globex: { tenantId: string; accountId: number; secret: string };
  outbox: OutboxWorker;
  clock: { readonly now: Date; advance(ms: number): void };
  /** Webhooks answered, receipts processed, due outbox rows delivered — until nothing moves. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startChatwootWorld(env: Record<string, string> = {}): Promise<ChatwootWorld> {
  const chatwoot = await startChatwootDouble();
  const serviceUser = chatwoot.seedUser({ name: 'wrrk', email: 'wrrk-orchestrator@wrrk.test' });
  const orchestrator = await startTestOrchestrator({
    env: { CHATWOOT_URL: chatwoot.url, CHATWOOT_API_TOKEN: serviceUser.accessToken, CHATWOOT_PLATFORM_TOKEN: chatwoot.platformToken, SHELL_URL: 'https://wrrk.test', ...env },
  });
  const server: ServerType = serve({ fetch: orchestrator.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const connect = async (tenantId: string, name: string) => {
    const account = chatwoot.seedAccount(name);
    // The service user administers the account, as the bootstrap arranges.
    chatwoot.seedMembership(account.id, serviceUser.id, 'administrator');
    const hook = chatwoot.seedWebhook(account.id, `${baseUrl}/api/webhooks/chatwoot?account_id=${account.id}`);
    await saveChatwootConnection(orchestrator.db.store, tenantId, { accountId: account.id, webhookSecret: hook.secret });
    return { tenantId, accountId: account.id, secret: hook.secret };
  };
  const acme = await connect(ACME, 'Acme');
  const globex = await connect(GLOBEX, 'Globex');

  // Real time plus an offset the tests move forward (backoff schedules are hours long).
  let offset = 0;
  const clock = {
    get now() {
      return new Date(Date.now() + offset);
    },
    advance(ms: number) {
      offset += ms;
    },
  };
  const outbox = createOutboxWorker({
    store: orchestrator.db.store,
    deliverers: createDeliverers(orchestrator.deps.config, { store: orchestrator.db.store }),
    logger: pino({ level: 'silent' }),
    now: () => clock.now,
    deliveryTimeoutMs: 5_000,
  });

  async function settle() {
    for (let round = 0; round < 50; round += 1) {
      await chatwoot.settled();
      const inbox = await orchestrator.deps.inbox.drain();
      const delivered = await outbox.drain();
      await chatwoot.settled();
      if (inbox.processed + inbox.retried + inbox.dead === 0 && delivered.claimed === 0 && (await orchestrator.deps.inbox.drain()).processed === 0) return;
    }
    throw new Error('the world did not settle in 50 rounds');
  }

  return {
    chatwoot,
    orchestrator,
    baseUrl,
    serviceUser,
    acme,
    globex,
    outbox,
    clock,
    settle,
    async close() {
      await chatwoot.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await orchestrator.shutdown();
    },
  };
}
