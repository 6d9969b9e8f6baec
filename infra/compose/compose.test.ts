import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../orchestrator/src/config/env.ts';
import {
  badDependencies,
  badMounts,
  badRestartPolicies,
  documentedVariables,
  effectiveEnvironment,
  envFilesOf,
  environmentOf,
  hardCodedUrls,
  interpolatedVariables,
  missingHealthchecks,
  mountsOf,
  parseCompose,
  parseEnvFile,
  secretLiterals,
  secretsInEnvFiles,
  unpinnedImages,
  withoutDefaults,
  type ComposeFile,
} from './compose-rules.ts';
import { commandWorks, compose, composeText, envExample, generatedExampleEnv, read, repoRoot, run, scratchDir, service } from './test-support.ts';

// The rules of issue 7, checked on docker-compose.yml; the other files here test the scripts
// and configuration it mounts.

const readEnvFile = (path: string) => read(path);
const scratch = scratchDir();
const env = generatedExampleEnv(scratch);

// Variables every deployment document must know about (team brief, "Environment variable names").
const briefOrchestratorVariables = [
  'PORT', 'HOST', 'NODE_ENV', 'LOG_LEVEL', 'DATABASE_URL', 'PGLITE_DATA_DIR', 'REDIS_URL', 'OIDC_ISSUER', 'OIDC_AUDIENCE',
  'ORCHESTRATOR_CLIENT_SECRET', 'SHELL_URL', 'ORCHESTRATOR_PUBLIC_URL', 'CHATWOOT_URL', 'CHATWOOT_API_TOKEN',
  'CHATWOOT_PLATFORM_TOKEN', 'MATRIX_HOMESERVER_URL', 'MATRIX_SERVER_NAME', 'MATRIX_AS_TOKEN', 'MATRIX_HS_TOKEN',
  'MATRIX_BOT_LOCALPART', 'MATRIX_ADMIN_TOKEN', 'JITSI_URL', 'JITSI_APP_ID', 'JITSI_APP_SECRET', 'JITSI_EVENT_SYNC_TOKEN',
];
const briefShellVariables = [
  'NEXTAUTH_URL', 'NEXTAUTH_SECRET', 'OIDC_ISSUER', 'SHELL_CLIENT_ID', 'SHELL_CLIENT_SECRET', 'ORCHESTRATOR_URL',
  'CHATWOOT_URL', 'ELEMENT_URL', 'JITSI_URL',
];
const briefDevProviderVariables = ['DEV_OIDC_PORT', 'DEV_OIDC_ISSUER_BASE', 'KEYCLOAK_REALM_FILE'];

describe('docker-compose.yml', () => {
  it('runs the whole production stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'caddy', 'postgres', 'redis', 'keycloak', 'chatwoot-init', 'chatwoot', 'chatwoot-sidekiq', 'synapse', 'element',
        'jitsi-prosody', 'jitsi-jicofo', 'jitsi-jvb', 'jitsi-web', 'orchestrator', 'bootstrap', 'shell',
      ]),
    );
  });

  it('pins every third-party image to a version', () => {
    expect(unpinnedImages(compose)).toEqual([]);
  });

  it('gives every long-running service a healthcheck and every service a restart policy', () => {
    expect(missingHealthchecks(compose)).toEqual([]);
    expect(badRestartPolicies(compose)).toEqual([]);
  });

  it('starts a service only once its dependencies are healthy, or done for one-shots', () => {
    expect(badDependencies(compose)).toEqual([]);
  });

  it('keeps data in declared named volumes and mounts configuration read-only', () => {
    expect(badMounts(compose)).toEqual([]);
  });

  it('mounts and reads only files and folders that exist in the repository', () => {
    const missing = mountsOf(compose)
      .filter((mount) => mount.kind === 'bind' && !existsSync(resolve(repoRoot, mount.source)))
      .map((mount) => `${mount.service}: ${mount.source}`);
    const missingEnvFiles = Object.entries(compose.services).flatMap(([name, definition]) =>
      envFilesOf(definition).filter((path) => !existsSync(resolve(repoRoot, path))).map((path) => `${name}: ${path}`),
    );
    expect([...missing, ...missingEnvFiles]).toEqual([]);
  });

  it('writes no secret into the file or its env files', () => {
    expect(secretLiterals(compose)).toEqual([]);
    expect(secretsInEnvFiles(compose, readEnvFile)).toEqual([]);
  });

  it('builds public URLs from WRRK_DOMAIN and names only its own services in private ones', () => {
    expect(hardCodedUrls(compose)).toEqual([]);
  });

  it('documents every variable it reads in .env.example', () => {
    const documented = parseEnvFile(envExample);
    const undocumented = interpolatedVariables(composeText)
      .map((use) => use.name)
      .filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });

  it('lists every orchestrator and shell variable in .env.example', () => {
    const documented = documentedVariables(envExample);
    const orchestratorConfig = Object.keys(envSchema.shape);
    const all = [...new Set([...briefOrchestratorVariables, ...orchestratorConfig, ...briefShellVariables, ...briefDevProviderVariables])];
    expect(all.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('configures the orchestrator and the shell with every variable of the brief', () => {
    const orchestratorEnv = environmentOf(service('orchestrator'));
    const shellEnv = environmentOf(service('shell'));
    // PGLITE_DATA_DIR belongs to the embedded default only.
    expect(briefOrchestratorVariables.filter((name) => name !== 'PGLITE_DATA_DIR' && !(name in orchestratorEnv))).toEqual([]);
    expect(briefShellVariables.filter((name) => !(name in shellEnv))).toEqual([]);
    expect(orchestratorEnv['NODE_ENV']).toBe('production');
    expect(orchestratorEnv['DATABASE_URL']).toMatch(/^postgres:\/\/orchestrator:\$\{ORCHESTRATOR_DB_PASSWORD[^}]*\}@postgres:5432\/orchestrator$/);
    expect(withoutDefaults(orchestratorEnv['OIDC_ISSUER'] ?? '')).toBe('https://auth.${WRRK_DOMAIN}/realms/wrrk');
    expect(withoutDefaults(shellEnv['OIDC_ISSUER'] ?? '')).toBe('https://auth.${WRRK_DOMAIN}/realms/wrrk');
  });

  it('runs the bootstrap once everything is healthy, with the orchestrator configuration', () => {
    const bootstrap = service('bootstrap');
    const orchestrator = service('orchestrator');
    expect(bootstrap.restart).toBe('no');
    expect(bootstrap.image).toBe(orchestrator.image);
    expect(bootstrap.command).toEqual(['node', 'orchestrator/src/bootstrap/cli.ts']);
    expect(environmentOf(bootstrap)).toEqual(environmentOf(orchestrator));
    expect(Object.keys(bootstrap.depends_on ?? {})).toEqual(expect.arrayContaining(['orchestrator', 'chatwoot', 'synapse', 'keycloak']));
  });

  it('imports only the production realm into Keycloak, with every placeholder it uses', () => {
    const keycloak = service('keycloak');
    const imports = mountsOf(compose).filter((mount) => mount.service === 'keycloak' && mount.target.startsWith('/opt/keycloak/data/import'));
    // A single file: mounting keycloak/ would import every *.json there (demo users, package.json).
    expect(imports.map((mount) => [mount.source, mount.target])).toEqual([['./keycloak/wrrk-realm.json', '/opt/keycloak/data/import/wrrk-realm.json']]);
    expect(keycloak.command).toEqual(['start', '--import-realm']);
    const env = environmentOf(keycloak);
    expect(env['KC_HOSTNAME']).toBe('https://auth.${WRRK_DOMAIN}');
    expect(env['KC_HOSTNAME_BACKCHANNEL_DYNAMIC']).toBe('true');
    const realm = read('keycloak/wrrk-realm.json');
    const placeholders = [...new Set([...realm.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/g)].map((m) => m[1] as string))];
    expect(placeholders.filter((name) => !(name in env))).toEqual([]);
  });

  it('prepares Chatwoot once and lets it call the orchestrator on the private network', () => {
    const init = service('chatwoot-init');
    expect(init.restart).toBe('no');
    expect(String(init.command)).toContain('db:chatwoot_prepare');
    for (const name of ['chatwoot', 'chatwoot-sidekiq']) {
      expect(service(name).depends_on).toEqual({ 'chatwoot-init': { condition: 'service_completed_successfully' } });
      const env = environmentOf(service(name));
      expect(env['SAFE_FETCH_ALLOW_PRIVATE_NETWORK']).toBe('true');
      expect(env['POSTGRES_DATABASE']).toBe('chatwoot');
    }
    expect(service('postgres').image).toMatch(/^pgvector\/pgvector:/);
    // The tokens the orchestrator uses are the ones chatwoot-init installs.
    const initEnv = environmentOf(init);
    const orchestratorEnv = environmentOf(service('orchestrator'));
    expect(initEnv['CHATWOOT_API_TOKEN']).toBe('${CHATWOOT_API_TOKEN}');
    expect(orchestratorEnv['CHATWOOT_API_TOKEN']).toMatch(/^\$\{CHATWOOT_API_TOKEN[:}]/);
    expect(initEnv['CHATWOOT_PLATFORM_TOKEN']).toBe('${CHATWOOT_PLATFORM_TOKEN}');
  });

  it('runs Jitsi with JWT only, moderators from the token, framing for the shell and event_sync', () => {
    const prosody = effectiveEnvironment(service('jitsi-prosody'), readEnvFile);
    const jicofo = effectiveEnvironment(service('jitsi-jicofo'), readEnvFile);
    const web = effectiveEnvironment(service('jitsi-web'), readEnvFile);
    const jvb = effectiveEnvironment(service('jitsi-jvb'), readEnvFile);
    for (const env of [prosody, jicofo, web, jvb]) {
      expect(env).toMatchObject({ ENABLE_AUTH: '1', AUTH_TYPE: 'jwt', ENABLE_GUESTS: '0', JWT_APP_ID: '${JITSI_APP_ID}' });
    }
    expect(prosody['JWT_APP_SECRET']).toBe('${JITSI_APP_SECRET}');
    expect(prosody['XMPP_MUC_MODULES']?.split(',')).toContain('token_affiliation');
    expect(jicofo).toMatchObject({ ENABLE_AUTO_OWNER: '0', JICOFO_ENABLE_AUTH: '0' });
    expect(web['CSP_HEADER']).toBe("frame-ancestors 'self' https://app.${WRRK_DOMAIN}");
    expect(web['PUBLIC_URL']).toBe('https://meet.${WRRK_DOMAIN}');
    expect(prosody['JITSI_EVENT_SYNC_TOKEN']).toBe('${JITSI_EVENT_SYNC_TOKEN}');
    expect(prosody['WRRK_EVENT_SYNC_URL']).toBe('http://orchestrator:4000/api/webhooks/jitsi');
    // The orchestrator signs meeting tokens with the `iss` and `aud` prosody accepts.
    const orchestrator = environmentOf(service('orchestrator'));
    expect(withoutDefaults(orchestrator['JITSI_APP_ID'] ?? '')).toBe(prosody['JWT_ACCEPTED_ISSUERS']);
    expect(orchestrator['JITSI_TOKEN_AUDIENCE']).toBe(prosody['JWT_ACCEPTED_AUDIENCES']);
    expect(withoutDefaults(orchestrator['JITSI_APP_SECRET'] ?? '')).toBe(prosody['JWT_APP_SECRET']);
  });
});

describe('compose rules catch a broken file', () => {
  const broken: ComposeFile = parseCompose(`
services:
  floating:
    image: redis
    restart: unless-stopped
  latest:
    image: ghcr.io/acme/app:latest
    restart: always
    healthcheck: { test: ["CMD", "true"] }
  registry:
    image: localhost:5000/acme/app
    restart: sometimes
    healthcheck: { test: ["NONE"] }
    depends_on: [floating]
  waits:
    image: caddy:2.11.3
    restart: unless-stopped
    healthcheck: { test: ["CMD", "true"] }
    depends_on:
      latest: { condition: service_started }
      oneshot: { condition: service_healthy }
      ghost: { condition: service_healthy }
    environment:
      DB_PASSWORD: hunter2
      DATABASE_URL: postgres://app:hunter2@db:5432/app
      ENABLE_AUTH: "1"
      PUBLIC_URL: https://example.com
      API_URL: http://localhost:4000
    volumes:
      - /var/lib/data
      - ./config.yml:/etc/app/config.yml
      - undeclared:/data
  oneshot:
    image: busybox:1.37.0
    restart: "no"
volumes:
  unused:
`);

  it('reports each kind of violation', () => {
    expect(unpinnedImages(broken)).toEqual([
      'floating: redis has no tag',
      'latest: ghcr.io/acme/app:latest uses a moving tag',
      'registry: localhost:5000/acme/app has no tag',
    ]);
    expect(missingHealthchecks(broken)).toEqual(['floating: long-running service without a healthcheck', 'registry: long-running service without a healthcheck']);
    expect(badRestartPolicies(broken)).toEqual(['registry: restart policy "sometimes"']);
    expect(badDependencies(broken)).toEqual([
      'registry: depends_on without conditions',
      'waits -> latest: condition service_started, expected service_healthy',
      'waits -> oneshot: condition service_healthy, expected service_completed_successfully',
      'waits: depends on unknown service ghost',
    ]);
    expect(badMounts(broken)).toEqual([
      'waits: anonymous volume at /var/lib/data',
      'waits: bind mount ./config.yml is writable',
      'waits: volume undeclared is not declared',
      'volume unused is declared but unused',
    ]);
    expect(secretLiterals(broken)).toEqual(['waits: DB_PASSWORD is a literal', 'waits: DATABASE_URL has a literal password in a URL']);
    const withEnvFile = parseCompose('services:\n  app:\n    image: caddy:2.11.3\n    env_file: ./app.env\n    environment:\n      MODE: strict\n');
    const appEnv = 'MODE=lax\nJWT_APP_SECRET=abc\nUPSTREAM=https://u:p@example.com\nENABLE_AUTH=1\n';
    expect(secretsInEnvFiles(withEnvFile, () => appEnv)).toEqual(['./app.env: JWT_APP_SECRET looks like a secret', './app.env: UPSTREAM looks like a secret']);
    expect(effectiveEnvironment(withEnvFile.services['app'] ?? {}, () => appEnv)['MODE']).toBe('strict');
    expect(hardCodedUrls(broken)).toEqual([
      'waits: DATABASE_URL points at db, which is not a service of this file',
      'waits: PUBLIC_URL has a public URL not built from WRRK_DOMAIN: https://example.com',
      'waits: API_URL points at localhost, which is not a service of this file',
    ]);
  });

  it('reads interpolations, defaults and escaped dollars apart', () => {
    expect(interpolatedVariables('a: ${A}\nb: ${B:-x}\nc: ${C:?run it}\nd: $${NOT_A_VAR}\ne: ${C}')).toEqual([
      { name: 'A', required: false },
      { name: 'B', required: false },
      { name: 'C', required: true },
    ]);
  });
});

const composeCommand = commandWorks('docker-compose', ['version'])
  ? ['docker-compose']
  : commandWorks('docker', ['compose', 'version'])
    ? ['docker', 'compose']
    : undefined;

describe.skipIf(!composeCommand)('docker compose config (the Compose implementation validates the file)', () => {
  const [binary = 'docker-compose', ...prefix] = composeCommand ?? [];

  it('accepts the file with a generated .env', () => {
    const result = run(binary, [...prefix, '--env-file', env.path, '-f', 'docker-compose.yml', 'config', '-q']);
    expect(result.status, result.stderr).toBe(0);
  });

  it('refuses to run with the secrets of .env.example left empty', () => {
    const result = run(binary, [...prefix, '--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', '-q']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('generate-secrets.sh');
  });
});

describe('Dockerfiles of the orchestrator and the shell', () => {
  for (const workspace of ['orchestrator', 'shell']) {
    const dockerfile = read(`${workspace}/Dockerfile`);
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1] as string, name: m[2] }));
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

    it(`${workspace}: is multi-stage, on a pinned Node 22 base`, () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
      expect(base).toMatch(/^node:22\.\d+\.\d+-[a-z]+-slim$/);
      const stageNames = new Set(stages.map((stage) => stage.name));
      for (const stage of stages) expect(stage.image === '${NODE_IMAGE}' || stageNames.has(stage.image), stage.image).toBe(true);
    });

    it(`${workspace}: runs as a non-root user, with a healthcheck`, () => {
      expect(finalStage).toMatch(/^USER node$/m);
      expect(finalStage).toMatch(/^HEALTHCHECK .*\/api\/health/ms);
    });

    it(`${workspace}: copies only what exists and keeps secrets and host builds out of the context`, () => {
      const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) => (m[1] as string).split(/\s+/));
      expect(sources.filter((source) => !existsSync(join(repoRoot, source)))).toEqual([]);
      const ignore = read(`${workspace}/Dockerfile.dockerignore`).split('\n');
      expect(ignore).toEqual(expect.arrayContaining(['.env', '**/node_modules', '**/.next', '.git']));
      expect(service(workspace).build).toEqual({ context: '.', dockerfile: `${workspace}/Dockerfile` });
    });
  }

  it('shell: serves the Next.js standalone build', () => {
    const dockerfile = read('shell/Dockerfile');
    expect(dockerfile).toContain('COPY --from=build --chown=node:node /app/shell/.next/standalone ./');
    expect(dockerfile).toContain('test -d shell/.next/standalone/shell/.next/static');
    expect(read('shell/package.json')).toMatch(/"build": "next build && node scripts\/copy-static\.ts"/);
    expect(dockerfile).toMatch(/^CMD \["node", "shell\/server\.js"\]$/m);
  });

  it('orchestrator: starts the server from its TypeScript sources', () => {
    const dockerfile = read('orchestrator/Dockerfile');
    expect(dockerfile).toMatch(/^CMD \["node", "orchestrator\/src\/server\.ts"\]$/m);
    expect(existsSync(join(repoRoot, 'orchestrator/src/server.ts'))).toBe(true);
    expect(dockerfile).toContain('npm ci --omit=dev');
  });
});
