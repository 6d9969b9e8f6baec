import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { startKeycloakAdminDouble, type DoubleKeycloakUser, type KeycloakAdminDouble } from '../../directory/keycloak-admin-double.ts';
import type { UserDirectory } from '../../directory/user-directory.ts';
import { PERSONAS, type Persona } from '../../testing/test-issuer.ts';
import { startTestOrchestrator, type TestOrchestrator } from '../../testing/test-orchestrator.ts';
import { matrixDirectory } from '../matrix-integration.ts';
import { matrixSettings, type MatrixSettings } from '../matrix-settings.ts';
import { startHomeserverDouble, type HomeserverDouble, type Registration } from './homeserver-double.ts';

/**
 * The Matrix half of the product on one machine: the orchestrator served over real HTTP (the
 * homeserver double pushes application-service transactions to it), the homeserver double,
 * and Keycloak's admin API double holding the test personas (the orchestrator reads it with
 * its service account, as in production). The orchestrator's own outbox worker and inbox
 * processor do the work, wired exactly as `createOrchestrator` wires them; `settle()` runs them
 * until the system is quiet, like the background loops would.
 */
export const SERVER_NAME = 'wrrk.test';
export const AS_TOKEN = 'as-token-for-tests-0123456789';
export const HS_TOKEN = 'hs-token-for-tests-9876543210';
export const ADMIN_TOKEN = 'synapse-admin-token-for-tests';

export interface MatrixKit {
  t: TestOrchestrator;
  hs: HomeserverDouble;
  keycloak: KeycloakAdminDouble;
  /** The orchestrator's own view of Keycloak (the same directory its Matrix parts use). */
  directory: UserDirectory;
  settings: MatrixSettings;
  orchestratorUrl: string;
  outbox: TestOrchestrator['deps']['outbox'];
  inbox: TestOrchestrator['deps']['inbox'];
  /** Changes a persona in Keycloak (groups, roles, enabled, username…). */
  setPerson(persona: Persona, changes: Partial<Omit<DoubleKeycloakUser, 'id'>>): void;
  /** Delivers outbox rows, lets pushed transactions arrive, processes receipts; until quiet. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface MatrixKitOptions {
  pushMode?: 'v1' | 'legacy';
  withAdminToken?: boolean;
  /** homeserver.yaml `password_config.localdb_enabled` of the simulated homeserver. */
  localPasswords?: boolean;
  env?: Record<string, string>;
  /** The application-service registration the homeserver loads (default: `testRegistration()`). */
  registration?: Registration;
  /** Share another kit's database and issuer (cheaper than a second database). */
  reuse?: Pick<TestOrchestrator, 'db' | 'issuer'>;
}

export function testRegistration(): Registration {
  return {
    id: 'wrrk',
    url: null,
    as_token: AS_TOKEN,
    hs_token: HS_TOKEN,
    sender_localpart: 'wrrk',
    namespaces: {
      users: [{ exclusive: true, regex: `@wrrk_.*:${SERVER_NAME.replace(/\./g, '\\.')}` }],
      aliases: [{ exclusive: true, regex: `#wrrk_.*:${SERVER_NAME.replace(/\./g, '\\.')}` }],
      rooms: [],
    },
  };
}

export function keycloakUserOf(persona: Persona): DoubleKeycloakUser {
  const [firstName, ...rest] = persona.name.split(' ');
  return { id: persona.sub, username: persona.username, email: persona.email, firstName, lastName: rest.join(' '), roles: [...persona.roles], groups: [...persona.groups] };
}

export async function startMatrixKit(options: MatrixKitOptions = {}): Promise<MatrixKit> {
  const keycloak = await startKeycloakAdminDouble();
  for (const persona of Object.values(PERSONAS)) keycloak.upsertUser(keycloakUserOf(persona));
  const registration = options.registration ?? testRegistration();
  const hs = startHomeserverDouble({ serverName: SERVER_NAME, registration, adminTokens: [ADMIN_TOKEN], pushMode: options.pushMode ?? 'v1', retryDelayMs: 10, localPasswords: options.localPasswords ?? true });
  const hsUrl = await hs.listen();
  const t = await startTestOrchestrator({
    ...(options.reuse ? { db: options.reuse.db, issuer: options.reuse.issuer } : {}),
    env: {
      MATRIX_HOMESERVER_URL: hsUrl,
      MATRIX_SERVER_NAME: SERVER_NAME,
      MATRIX_AS_TOKEN: registration.as_token,
      MATRIX_HS_TOKEN: registration.hs_token,
      MATRIX_BOT_LOCALPART: registration.sender_localpart,
      ...(options.withAdminToken === false ? {} : { MATRIX_ADMIN_TOKEN: ADMIN_TOKEN }),
      SHELL_URL: 'https://shell.wrrk.test',
      ORCHESTRATOR_CLIENT_SECRET: keycloak.clientSecret,
      KEYCLOAK_ADMIN_URL: keycloak.baseUrl,
      ...options.env,
    },
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const orchestratorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  registration.url = orchestratorUrl;

  const settings = matrixSettings(t.deps.config)!;
  const directory = matrixDirectory(t.deps.config)!;
  const { outbox, inbox } = t.deps;

  return {
    t,
    hs,
    keycloak,
    directory,
    settings,
    orchestratorUrl,
    outbox,
    inbox,
    setPerson(persona, changes) {
      const current = keycloak.user(persona.sub) ?? keycloakUserOf(persona);
      keycloak.upsertUser({ ...current, ...changes, id: persona.sub });
    },
    async settle() {
      for (let round = 0; round < 20; round += 1) {
        const delivered = await outbox.drain();
        await hs.flushPushes();
        const processed = await inbox.drain();
        if (delivered.claimed === 0 && processed.processed + processed.retried + processed.dead === 0) return;
      }
      throw new Error('the Matrix kit did not settle in 20 rounds');
    },
    async close() {
      await hs.flushPushes();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await hs.close();
      await t.shutdown();
      await keycloak.close();
    },
  };
}
