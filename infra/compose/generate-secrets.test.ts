import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedVariables, interpolatedVariables, parseEnvFile } from './compose-rules.ts';
import { composeText, envExample, generateEnv, generatedExampleEnv, run, scratchDir } from './test-support.ts';

const scratch = scratchDir();
const env = generatedExampleEnv(scratch);

describe('generate-secrets.sh', () => {
  const marked = generatedVariables(envExample);
  const hex = (bytes: number) => new RegExp(`^[0-9a-f]{${bytes * 2}}$`);

  it('fills every value marked [generated] with a fresh random secret', () => {
    expect(marked.size).toBeGreaterThanOrEqual(25);
    for (const [name, kind] of marked) {
      const value = env.value(name);
      if (kind === 'long') expect(value, name).toMatch(hex(64));
      else if (kind === 'password') expect(value, name).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{40,128}$/);
      else expect(value, name).toMatch(hex(32));
    }
    const values = [...marked.keys()].map(env.value);
    expect(new Set(values).size).toBe(values.length);
  });

  it('leaves nothing the stack requires empty and no placeholder behind', () => {
    const required = interpolatedVariables(composeText).filter((use) => use.required);
    expect(required.length).toBeGreaterThan(20);
    expect(required.filter((use) => env.value(use.name) === '').map((use) => use.name)).toEqual([]);
    const placeholders = [...env.values].filter(([, value]) => /example\.com|change-?me|__/i.test(value));
    expect(placeholders).toEqual([]);
  });

  it('derives the public names from the domain', () => {
    expect(env.value('WRRK_DOMAIN')).toBe('example.org');
    expect(env.value('MATRIX_SERVER_NAME')).toBe('matrix.example.org');
    expect(env.value('CADDY_TLS')).toBe('ops@example.org');
    expect(env.value('CHATWOOT_ADMIN_EMAIL')).toBe('ops@example.org');
    expect(env.value('COMPOSE_PROJECT_NAME')).toBe('wrrk');
  });

  it('writes a file only its owner can read', () => {
    expect(statSync(env.path).mode & 0o077).toBe(0);
  });

  it('keeps the values of an existing .env and fills only what is missing', () => {
    const folder = mkdtempSync(join(scratch, 'rerun-'));
    const path = join(folder, '.env');
    const before = readFileSync(env.path, 'utf8');
    // One secret removed, one emptied, one hand-added variable: as after an upgrade.
    const edited = before
      .replace(/^NEXTAUTH_SECRET=.*\n/m, '')
      .replace(/^JVB_AUTH_PASSWORD=.*$/m, 'JVB_AUTH_PASSWORD=')
      .concat('MY_OVERRIDE=1\n');
    writeFileSync(path, edited);
    const result = run('bash', ['infra/compose/generate-secrets.sh', '--output', path]);
    expect(result.status, result.stderr).toBe(0);
    const after = parseEnvFile(readFileSync(path, 'utf8'));
    for (const [name, value] of env.values) {
      if (name === 'NEXTAUTH_SECRET' || name === 'JVB_AUTH_PASSWORD') {
        expect(after.get(name), name).toMatch(hex(32));
        expect(after.get(name), name).not.toBe(value);
      } else {
        expect(after.get(name), name).toBe(value);
      }
    }
    expect(after.get('MY_OVERRIDE')).toBe('1');
  });

  it('refuses to change the domain of an existing .env', () => {
    const folder = mkdtempSync(join(scratch, 'domain-'));
    copyFileSync(env.path, join(folder, '.env'));
    const { result } = generateEnv(scratch, ['--domain', 'other.org'], folder);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('WRRK_DOMAIN=example.org');
    expect(readFileSync(join(folder, '.env'), 'utf8')).toBe(readFileSync(env.path, 'utf8'));
  });

  it("uses Caddy's internal CA and a valid admin address for a local domain", () => {
    const { path, result } = generateEnv(scratch, ['--domain', 'localhost']);
    expect(result.status, result.stderr).toBe(0);
    const env = parseEnvFile(readFileSync(path, 'utf8'));
    expect(env.get('CADDY_TLS')).toBe('internal');
    expect(env.get('CHATWOOT_ADMIN_EMAIL')).toBe('admin@wrrk.localhost');
  });

  it('needs a domain', () => {
    const { result } = generateEnv(scratch, []);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--domain is required');
  });
});
