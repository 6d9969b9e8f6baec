/**
 * `npm start`: the whole product on one machine with no containers.
 *   - a development OpenID provider serving the realm file at Keycloak's URL layout (unless
 *     OIDC_ISSUER points at a real Keycloak),
 *   - the orchestrator on embedded PostgreSQL (PGlite under ./.data) unless DATABASE_URL is set,
 *   - the shell (Next.js production build; built on first start or when its sources changed).
 * Ctrl-C stops everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { loadDevSecrets } from './dev-secrets.ts';
import { shellBuildIsFresh } from './shell-build.ts';

const root = resolve(import.meta.dirname, '../..');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`wrrk needs Node >= 22.18 (this is ${process.version}). Install Node 22 or run: source infra/ci/node22.sh`);
  process.exit(1);
}

const env = process.env;
const ports = {
  idp: Number(env['DEV_OIDC_PORT'] ?? 8080),
  orchestrator: Number(env['ORCHESTRATOR_PORT'] ?? 4000),
  shell: Number(env['SHELL_PORT'] ?? 3000),
};
const shellUrl = env['SHELL_URL'] ?? `http://localhost:${ports.shell}`;
const orchestratorUrl = env['ORCHESTRATOR_URL'] ?? `http://localhost:${ports.orchestrator}`;
const useDevProvider = !env['OIDC_ISSUER'];

async function assertPortFree(port: number, what: string) {
  await new Promise<void>((ok, fail) => {
    const probe = createServer()
      .once('error', () => fail(new Error(`port ${port} is taken: ${what} cannot start. Stop whatever uses it, or set ${what === 'shell' ? 'SHELL_PORT' : what === 'orchestrator' ? 'ORCHESTRATOR_PORT' : 'DEV_OIDC_PORT'}.`)))
      .once('listening', () => probe.close(() => ok()))
      .listen(port, '0.0.0.0');
  });
}

const stops: Array<() => Promise<void> | void> = [];
let children: ChildProcess[] = [];

async function main() {
  const secrets = loadDevSecrets(resolve(root, '.data/dev-secrets.json'));
  for (const [key, value] of Object.entries(secrets)) env[key] ??= value;
  env['SHELL_URL'] = shellUrl;

  if (useDevProvider) {
    await assertPortFree(ports.idp, 'identity provider');
    const { startDevProvider } = await import('@wrrk/keycloak/dev-provider/index.ts');
    const idp = await startDevProvider({ port: ports.idp, issuerBase: `http://localhost:${ports.idp}`, dataDir: resolve(root, '.data/dev-oidc') });
    stops.push(() => idp.close());
    env['OIDC_ISSUER'] = idp.issuer;
    console.log(`identity     ${idp.issuer}  (development provider; demo users in README)`);
  } else {
    console.log(`identity     ${env['OIDC_ISSUER']}  (external)`);
  }

  await assertPortFree(ports.orchestrator, 'orchestrator');
  const { loadConfig } = await import('../../orchestrator/src/config/env.ts');
  const { createOrchestrator } = await import('../../orchestrator/src/orchestrator.ts');
  const config = loadConfig({ ...env, PORT: String(ports.orchestrator), PGLITE_DATA_DIR: env['PGLITE_DATA_DIR'] ?? resolve(root, '.data/pglite'), LOG_LEVEL: env['LOG_LEVEL'] ?? 'warn' });
  const orchestrator = await createOrchestrator(config);
  orchestrator.startWorkers();
  const server = serve({ fetch: orchestrator.app.fetch, port: ports.orchestrator });
  stops.push(async () => {
    server.close();
    await orchestrator.close();
  });
  console.log(`orchestrator ${orchestratorUrl}  (API docs ${orchestratorUrl}/api/docs; database: ${orchestrator.deps.store.kind})`);

  await assertPortFree(ports.shell, 'shell');
  const shellEnv = {
    ...env,
    NODE_ENV: 'production',
    PORT: String(ports.shell),
    NEXTAUTH_URL: env['NEXTAUTH_URL'] ?? shellUrl,
    ORCHESTRATOR_URL: orchestratorUrl,
  };
  if (!shellBuildIsFresh(resolve(root, 'shell'))) {
    console.log('shell        building the production bundle (first start or sources changed; about a minute)…');
    await run('npm', ['run', 'build', '-w', 'shell'], shellEnv);
  }
  // Next's standalone server: what the Docker image runs too (static assets copied by the build).
  const shell = spawn(process.execPath, [resolve(root, 'shell/.next/standalone/shell/server.js')], {
    cwd: resolve(root, 'shell'),
    env: { ...shellEnv, HOSTNAME: env['SHELL_HOST'] ?? '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(shell);
  let announced = false;
  shell.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (!announced && /Ready|started server|Local:/i.test(text) && (announced = true)) console.log(`shell        ${shellUrl}  ← open this, and sign in as alice.agent or carol.ceo (password: demo)`);
  });
  shell.on('exit', (code) => {
    if (!stopping) {
      console.error(`shell exited (${code}); stopping`);
      void stop(1);
    }
  });
}

function run(command: string, args: string[], childEnv: NodeJS.ProcessEnv) {
  return new Promise<void>((ok, fail) => {
    const child = spawn(command, args, { cwd: root, env: childEnv, stdio: 'inherit' });
    children.push(child);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${command} ${args.join(' ')} failed (${code})`))));
  });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  children = [];
  for (const fn of stops.reverse()) await fn();
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void stop(1);
});
