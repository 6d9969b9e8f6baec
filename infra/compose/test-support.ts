import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { parseCompose, parseEnvFile } from './compose-rules.ts';

/** Shared by the infra/compose tests: the repository's files, commands, a generated .env. */

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
export const composeText = read('docker-compose.yml');
export const compose = parseCompose(composeText);
export const envExample = read('.env.example');

export function service(name: string) {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name} in docker-compose.yml`);
  return found;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, encoding: 'utf8', timeout: 120_000 });
}

export function commandWorks(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

/** A temporary folder for this test file, removed after its tests. */
export function scratchDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'wrrk-compose-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Runs generate-secrets.sh into `folder` (a fresh one under `scratch` by default). */
export function generateEnv(scratch: string, args: string[], folder = mkdtempSync(join(scratch, 'env-'))): { path: string; result: SpawnSyncReturns<string> } {
  const path = join(folder, '.env');
  const result = run('bash', ['infra/compose/generate-secrets.sh', '--output', path, ...args]);
  return { path, result };
}

/** A .env as an operator would generate it, for domain example.org. */
export function generatedExampleEnv(scratch: string): { path: string; values: Map<string, string>; value: (name: string) => string } {
  const { path, result } = generateEnv(scratch, ['--domain', 'example.org', '--email', 'ops@example.org']);
  if (result.status !== 0) throw new Error(`generate-secrets.sh failed: ${result.stderr}`);
  const values = parseEnvFile(readFileSync(path, 'utf8'));
  return { path, values, value: (name) => values.get(name) ?? '' };
}
