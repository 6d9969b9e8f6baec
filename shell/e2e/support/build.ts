import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The end-to-end tests run the production build (the standalone server Docker runs). Building
 * takes a minute or two on two cores, so it happens only when the build is missing or any
 * input changed since (a content hash of the inputs, stored next to the build).
 */
export const SHELL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_DIR = path.dirname(SHELL_DIR);
export const STANDALONE_SERVER = path.join(SHELL_DIR, '.next', 'standalone', 'shell', 'server.js');
const STAMP = path.join(SHELL_DIR, '.next', 'wrrk-build-inputs.sha256');

const INPUTS = [
  'shell/src',
  'shell/next.config.ts',
  'shell/package.json',
  'shell/tsconfig.json',
  'shell/scripts',
  'keycloak/src/principal.ts',
  'keycloak/src/realm/placeholders.ts',
];

function files(entry: string): string[] {
  const full = path.join(REPO_DIR, entry);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [full];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile() && !dirent.name.endsWith('.test.ts'))
    .map((dirent) => path.join(dirent.parentPath, dirent.name));
}

export function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files).sort()) {
    hash.update(path.relative(REPO_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function run(command: string, args: string[], cwd: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`))));
  });
}

export interface BuildResult {
  built: boolean;
  /** The `next build` output (route table), when it ran. */
  output: string[];
  ms: number;
}

export async function ensureProductionBuild(log: (line: string) => void = () => {}): Promise<BuildResult> {
  const hash = inputsHash();
  const started = Date.now();
  if (existsSync(STANDALONE_SERVER) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) {
    return { built: false, output: [], ms: 0 };
  }
  const output: string[] = [];
  const both = (line: string) => {
    output.push(line);
    log(line);
  };
  // Route types left by an earlier `next dev` are part of the type check and may name routes
  // that no longer exist; the build regenerates its own.
  rmSync(path.join(SHELL_DIR, '.next', 'dev', 'types'), { recursive: true, force: true });
  await run(process.execPath, [path.join(REPO_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], SHELL_DIR, both);
  await run(process.execPath, [path.join(SHELL_DIR, 'scripts', 'copy-static.ts')], SHELL_DIR, both);
  writeFileSync(STAMP, `${hash}\n`);
  return { built: true, output, ms: Date.now() - started };
}
