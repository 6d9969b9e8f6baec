/**
 * Runs the development OpenID provider (Keycloak stand-in for `npm start`).
 *
 *   node keycloak/src/dev-provider/server.ts
 *
 * Environment:
 *   DEV_OIDC_PORT            port (default 8080)
 *   DEV_OIDC_HOST            interface (default 127.0.0.1)
 *   DEV_OIDC_ISSUER_BASE     public base URL (default http://localhost:<port>)
 *   KEYCLOAK_REALM_FILE      realm file (default keycloak/wrrk-realm.json)
 *   DEV_OIDC_DEMO_DATA_FILE  demo data (default keycloak/dev/demo-realm-data.json; "none" for none)
 *   DEV_OIDC_DATA_DIR        keys and sessions (default ./.data/dev-oidc)
 *   SHELL_URL, SHELL_CLIENT_SECRET, ORCHESTRATOR_CLIENT_SECRET   realm placeholders (dev defaults)
 *   NODE_ENV=production      refuses to start unless DEV_OIDC_FORCE=1
 */
import { assertDevelopmentEnvironment, DevProviderRefusedError } from './environment-guard.ts';

const env = process.env;
// Refuse before loading anything else, so production never even reads the demo data.
try {
  assertDevelopmentEnvironment(env);
} catch (error) {
  if (!(error instanceof DevProviderRefusedError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const { DEFAULT_DATA_DIR, DEFAULT_PORT, startDevProvider } = await import('./index.ts');
const { RealmFileError } = await import('../realm/realm-schema.ts');
const { UnresolvedPlaceholderError } = await import('../realm/placeholders.ts');
const port = env['DEV_OIDC_PORT'] ? Number(env['DEV_OIDC_PORT']) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`DEV_OIDC_PORT must be a port number, got "${env['DEV_OIDC_PORT']}"`);
  process.exit(2);
}
const demoData = env['DEV_OIDC_DEMO_DATA_FILE'];

try {
  const idp = await startDevProvider({
    port,
    host: env['DEV_OIDC_HOST'] || undefined,
    issuerBase: env['DEV_OIDC_ISSUER_BASE'] || undefined,
    realmFile: env['KEYCLOAK_REALM_FILE'] || undefined,
    demoDataFile: demoData === 'none' ? null : demoData || undefined,
    dataDir: env['DEV_OIDC_DATA_DIR'] || DEFAULT_DATA_DIR,
    log: (message) => console.log(message),
  });
  const demo = idp.realm.users.filter((user) => user.password !== undefined).map((user) => user.username);
  console.log(`development OpenID provider (Keycloak stand-in) at ${idp.url}`);
  console.log(`  OIDC_ISSUER=${idp.issuer}`);
  if (demo.length > 0) console.log(`  demo users: ${demo.join(', ')}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`development OpenID provider: ${signal}, stopping`);
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof RealmFileError || error instanceof UnresolvedPlaceholderError) {
    console.error(error.message);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`port ${port} is in use: stop the other process or set DEV_OIDC_PORT`);
    process.exit(1);
  }
  throw error;
}
