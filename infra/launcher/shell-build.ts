import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time under `dir`, skipping build output and dependencies. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next' || entry.name === 'e2e') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * True when the standalone build exists and is newer than every source file of the shell and of
 * the workspace code it compiles in (`keycloak/src`).
 */
export function shellBuildIsFresh(shellDir: string): boolean {
  const buildId = join(shellDir, '.next', 'BUILD_ID');
  if (!existsSync(buildId) || !existsSync(join(shellDir, '.next', 'standalone', 'shell', 'server.js'))) return false;
  const built = statSync(buildId).mtimeMs;
  return built >= newestMtime(shellDir) && built >= newestMtime(join(shellDir, '..', 'keycloak', 'src'));
}
