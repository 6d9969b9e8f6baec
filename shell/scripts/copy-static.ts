/**
 * After `next build`: the standalone server (output: 'standalone') serves `.next/static` and
 * `public/` only when they sit next to it, and Next.js leaves copying them to us.
 * Run from anywhere: `node shell/scripts/copy-static.ts`.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const shellDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const standaloneShell = path.join(shellDir, '.next', 'standalone', 'shell');
if (!existsSync(path.join(standaloneShell, 'server.js'))) {
  console.error(`no standalone server at ${standaloneShell}: run next build first`);
  process.exit(1);
}
const target = path.join(standaloneShell, '.next', 'static');
rmSync(target, { recursive: true, force: true });
cpSync(path.join(shellDir, '.next', 'static'), target, { recursive: true });
if (existsSync(path.join(shellDir, 'public'))) cpSync(path.join(shellDir, 'public'), path.join(standaloneShell, 'public'), { recursive: true });
console.log(`copied static assets next to ${path.relative(process.cwd(), path.join(standaloneShell, 'server.js'))}`);
