/**
 * The development OpenID provider: a Keycloak stand-in for the embedded default (`npm start`)
 * and for tests. It serves the realm file (plus demo data) at Keycloak's URL layout, on
 * oidc-provider, with Keycloak-shaped tokens, Keycloak's login form field names, and the part
 * of Keycloak's admin REST API the orchestrator reads.
 *
 *   const idp = await startDevProvider({ port: 0, dataDir: null });
 *   idp.issuer;   // http://localhost:54321/realms/wrrk
 *   await idp.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

import { getRequestListener } from '@hono/node-server';
import { importJWK, SignJWT } from 'jose';

import { loadRealm } from '../realm/load-realm.ts';
import { devPlaceholderEnvironment } from '../realm/placeholders.ts';
import type { RealmModel } from '../realm/realm-model.ts';
import { assertDevelopmentEnvironment } from './environment-guard.ts';
import { createHttpApp } from './http-app.ts';
import { DevKeyStore } from './key-store.ts';
import { createOidcProvider } from './oidc-provider.ts';
import type { DemoUserHint } from './pages.ts';
import { DevStateStore } from './state-store.ts';

export { DevProviderRefusedError } from './environment-guard.ts';

export interface DevProviderOptions {
  /** TCP port; 0 picks a free one (the issuer follows the actual port). Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (the demo passwords stay off the network). */
  host?: string;
  /** Public base URL; the issuer is `{issuerBase}/realms/{realm}`. Default `http://localhost:{port}`. */
  issuerBase?: string;
  /** Realm file. Default keycloak/wrrk-realm.json. */
  realmFile?: string;
  /** Demo data merged into the realm; `null` for none. Default keycloak/dev/demo-realm-data.json. */
  demoDataFile?: string | null;
  /** Where keys and sessions persist; `null` keeps them in memory. Default ./.data/dev-oidc. */
  dataDir?: string | null;
  /** Values for the realm's `${ENV}` placeholders (unset ones get development defaults). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives one line per notable event (failed sign-ins, errors). Default: silent. */
  log?: (message: string) => void;
}

export interface DevProvider {
  /** `{base}/realms/{realm}`: what OIDC_ISSUER should be set to. */
  readonly issuer: string;
  /** The base URL (`http://localhost:8080`), as Keycloak's admin client `baseUrl`. */
  readonly url: string;
  readonly port: number;
  /** The realm as served (placeholders resolved, demo data merged). */
  readonly realm: RealmModel;
  /** Stops listening, drops open connections, and writes pending state to the data dir. */
  close(): Promise<void>;
  /**
   * Signs new tokens with a fresh key; the previous keys stay in the JWKS so tokens they signed
   * keep verifying until they expire. Resolves to the new key id.
   */
  rotateSigningKey(): Promise<string>;
  /**
   * Signs arbitrary claims with the current signing key (RS256, header `typ: JWT`), for
   * negative tests that need a correctly signed but otherwise wrong token — expired, another
   * audience, another `typ`. `iss`, `iat` and `exp` (now + 300 s) are filled in unless given.
   * The provider never issues tokens this way.
   */
  signToken(claims: Record<string, unknown>): Promise<string>;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_DATA_DIR = '.data/dev-oidc';

export async function startDevProvider(options: DevProviderOptions = {}): Promise<DevProvider> {
  assertDevelopmentEnvironment(process.env);
  const log = options.log ?? (() => {});
  const { realm, demoUsernames } = loadRealm({
    realmFile: options.realmFile,
    demoDataFile: options.demoDataFile,
    env: devPlaceholderEnvironment(options.env ?? process.env),
  });
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const keys = await DevKeyStore.open(dataDir);
  const store = new DevStateStore(dataDir);

  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = (options.issuerBase ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const issuer = `${url}/realms/${realm.name}`;
  const realmPath = new URL(issuer).pathname;

  let provider = createOidcProvider({ realm, issuer, keys, store, log });
  let providerCallback = provider.callback();
  const app = createHttpApp({ realm, issuer, keys, provider: () => provider, demoUsers: demoUserHints(realm, demoUsernames), log });
  const appListener = getRequestListener(app.fetch, { overrideGlobalObjects: false });

  // Routes below the realm path go to oidc-provider (mounted there, as its docs describe),
  // except the few this provider serves itself.
  const ownRealmRoutes = [`${realmPath}/login-actions/`, `${realmPath}/protocol/openid-connect/userinfo`, `${realmPath}/protocol/openid-connect/3p-cookies/`];
  handle = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith(`${realmPath}/`) && !ownRealmRoutes.some((route) => path === route || path.startsWith(route))) {
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = req.url!.slice(realmPath.length);
      void providerCallback(req, res);
      return;
    }
    void appListener(req, res);
  };

  return {
    issuer,
    url,
    port,
    realm,
    async close() {
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      store.flush();
      // Let in-process HTTP clients (tests) see their keep-alive connections close before
      // anything reuses the port; otherwise their next request fails with "other side closed".
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    },
    async signToken(claims) {
      const [jwk] = keys.signingKeys;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: jwk!.kid! })
        .sign(await importJWK(jwk!, 'RS256'));
    },
    async rotateSigningKey() {
      const kid = await keys.rotate();
      // oidc-provider reads its keys at construction: build a new instance over the same
      // storage (sessions and grants live in the store, so nobody is signed out).
      provider = createOidcProvider({ realm, issuer, keys, store, log });
      providerCallback = provider.callback();
      return kid;
    },
  };
}

/** The demo users the login page offers as one-click sign-ins: "agent · Acme Corp, Support Team". */
function demoUserHints(realm: RealmModel, usernames: string[]): DemoUserHint[] {
  return usernames.flatMap((username) => {
    const user = realm.userByLogin(username);
    if (!user?.password) return [];
    const groups = realm.userGroups(user).map((group) => group.attributes['displayName']?.[0] ?? group.path);
    const roles = user.realmRoles.filter((role) => !role.startsWith('default-roles-'));
    return [{ username: user.username, password: user.password, description: [roles.join(', '), groups.join(', ')].filter(Boolean).join(' · ') }];
  });
}
