import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { environmentOf, mountsOf } from './compose-rules.ts';
import { commandWorks, compose, generatedExampleEnv, read, repoRoot, run, scratchDir, service } from './test-support.ts';

// matrix/: the Synapse templates as render-config.py renders them, and Element's config.
const scratch = scratchDir();
const secrets = generatedExampleEnv(scratch);

const python = commandWorks('python3', ['--version']) ? 'python3' : undefined;

describe.skipIf(!python)('Synapse configuration (matrix/render-config.py)', () => {
  const templates = ['homeserver.yaml', 'appservice-wrrk.yaml', 'log.config'];
  // What docker-compose.yml gives the synapse service, with the generated values.
  const synapseEnv = () => {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    for (const [key, value] of Object.entries(environmentOf(service('synapse')))) {
      env[key] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?(?::?\?[^}]*)?\}/g, (_, name: string, fallback?: string) => secrets.value(name) || fallback || '');
    }
    env['WRRK_TEMPLATE_DIR'] = join(repoRoot, 'matrix');
    return env;
  };
  const render = (env: Record<string, string>) => {
    const out = mkdtempSync(join(scratch, 'synapse-'));
    const result = run('python3', ['matrix/render-config.py', '--render-only', out], { env });
    return { out, result };
  };

  it('is started through the renderer, with every template mounted where it looks', () => {
    const synapse = service('synapse');
    expect(synapse.entrypoint).toEqual(['python3', '/wrrk/render-config.py']);
    const targets = mountsOf(compose).filter((mount) => mount.service === 'synapse').map((mount) => `${mount.source} -> ${mount.target}`);
    expect(targets).toEqual(expect.arrayContaining([
      './matrix/render-config.py -> /wrrk/render-config.py',
      ...templates.map((name) => `./matrix/${name} -> /wrrk/templates/${name}`),
    ]));
    expect(environmentOf(synapse)['WRRK_TEMPLATE_DIR']).toBe('/wrrk/templates');
  });

  it('renders a homeserver wired to PostgreSQL, Keycloak and the orchestrator', () => {
    const { out, result } = render(synapseEnv());
    expect(result.status, result.stderr).toBe(0);
    for (const name of templates) expect(readFileSync(join(out, name), 'utf8')).not.toMatch(/\$\{/);
    expect(statSync(join(out, 'homeserver.yaml')).mode & 0o077).toBe(0);

    const homeserver = parse(readFileSync(join(out, 'homeserver.yaml'), 'utf8'));
    expect(homeserver.server_name).toBe('matrix.example.org');
    expect(homeserver.public_baseurl).toBe('https://matrix.example.org/');
    expect(homeserver.database).toMatchObject({ name: 'psycopg2', args: { user: 'synapse', dbname: 'synapse', host: 'postgres', password: secrets.value('SYNAPSE_DB_PASSWORD') } });
    expect(homeserver.listeners[0]).toMatchObject({ port: 8008, x_forwarded: true });
    expect(homeserver.listeners[0].resources[0].names).toEqual(['client']);
    expect(homeserver.enable_registration).toBe(false);
    expect(homeserver.federation_domain_whitelist).toEqual([]);
    expect(homeserver.app_service_config_files).toEqual(['/data/config/appservice-wrrk.yaml']);
    expect(homeserver.log_config).toBe('/data/config/log.config');
    expect(homeserver.encryption_enabled_by_default_for_room_type).toBe('off');

    // The orchestrator provisions users with external_ids auth_provider `oidc-keycloak`.
    const [provider] = homeserver.oidc_providers;
    expect(provider).toMatchObject({
      idp_id: 'keycloak',
      issuer: 'https://auth.example.org/realms/wrrk',
      client_id: 'synapse',
      client_secret: secrets.value('SYNAPSE_CLIENT_SECRET'),
      authorization_endpoint: 'https://auth.example.org/realms/wrrk/protocol/openid-connect/auth',
      token_endpoint: 'http://keycloak:8080/realms/wrrk/protocol/openid-connect/token',
      jwks_uri: 'http://keycloak:8080/realms/wrrk/protocol/openid-connect/certs',
    });
    expect(provider.user_mapping_provider.config.localpart_template).toBe('{{ user.preferred_username }}');
    // The orchestrator links the users it provisions to this provider.
    expect(environmentOf(service('orchestrator'))['MATRIX_SSO_PROVIDER']).toBe(`oidc-${provider.idp_id}`);

    const registration = parse(readFileSync(join(out, 'appservice-wrrk.yaml'), 'utf8'));
    expect(registration).toMatchObject({
      url: 'http://orchestrator:4000',
      as_token: secrets.value('MATRIX_AS_TOKEN'),
      hs_token: secrets.value('MATRIX_HS_TOKEN'),
      sender_localpart: 'wrrk',
      rate_limited: false,
    });
    expect(registration.namespaces.users).toEqual([{ exclusive: true, regex: '@wrrk_.*' }]);
    expect(registration.namespaces.aliases).toEqual([{ exclusive: true, regex: '#wrrk_.*' }]);

    const logging = parse(readFileSync(join(out, 'log.config'), 'utf8'));
    expect(logging.root.handlers).toEqual(['console']);
  });

  it('refuses to render with a variable missing, naming it', () => {
    const env = synapseEnv();
    delete env['MATRIX_HS_TOKEN'];
    env['SYNAPSE_FORM_SECRET'] = '';
    const { out, result } = render(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('homeserver.yaml: environment variables not set: SYNAPSE_FORM_SECRET');
    expect(result.stderr).toContain('appservice-wrrk.yaml: environment variables not set: MATRIX_HS_TOKEN');
    expect(existsSync(join(out, 'homeserver.yaml'))).toBe(false);
  });

  it('refuses a value that would break out of its YAML string', () => {
    const env = { ...synapseEnv(), SYNAPSE_DB_PASSWORD: 'abc"\nadmin: true' };
    const { result } = render(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('contain a quote, backslash or line break: SYNAPSE_DB_PASSWORD');
  });
});

describe('Element configuration (matrix/element-config.json, served by Caddy)', () => {
  const template = read('matrix/element-config.json');
  // Caddy's `templates` runs {{env `NAME`}}; the same substitution, by hand.
  const rendered = template.replace(/\{\{env `([A-Z_]+)`\}\}/g, (_, name: string) => secrets.value(name));

  it('renders to JSON with the homeserver of this domain and SSO only', () => {
    expect(rendered).not.toContain('{{');
    const config = JSON.parse(rendered);
    expect(config.default_server_config['m.homeserver']).toEqual({ base_url: 'https://matrix.example.org', server_name: 'matrix.example.org' });
    // Element refuses to start when these are mixed with default_server_config.
    expect(config).not.toHaveProperty('default_server_name');
    expect(config).not.toHaveProperty('default_hs_url');
    expect(config.sso_redirect_options).toEqual({ immediate: true });
    expect(config.disable_custom_urls).toBe(true);
    expect(config.setting_defaults['UIFeature.registration']).toBe(false);
  });

  it('is mounted into Caddy where the element site serves /config.json from', () => {
    const caddyfile = read('infra/compose/Caddyfile');
    expect(mountsOf(compose).some((m) => m.service === 'caddy' && m.source === './matrix/element-config.json' && m.target === '/etc/wrrk/element/config.json')).toBe(true);
    expect(caddyfile).toMatch(/handle \/config\.json \{\s*root \* \/etc\/wrrk\/element/);
    expect(caddyfile).toContain("frame-ancestors 'self' https://app.{$WRRK_DOMAIN}");
  });
});
