import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where Chatwoot's OpenAPI descriptions live: vendored in `chatwoot/contract/` (copied verbatim
 * from chatwoot/chatwoot v4.15.1, `swagger/tag_groups/`, with the project's supplement for the
 * endpoints the published spec lacks), so the client types, the test double's contract checks
 * and the generator work from a plain clone. CHATWOOT_CONTRACTS_DIR points at another copy
 * (e.g. a newer Chatwoot's) to check against it.
 */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function contractsDir(): string {
  const fromEnv = process.env['CHATWOOT_CONTRACTS_DIR'];
  const dir = fromEnv ? resolve(fromEnv) : join(packageRoot, 'contract');
  if (!existsSync(join(dir, 'application_swagger.json'))) {
    throw new Error(`Chatwoot OpenAPI descriptions not found in ${dir}: set CHATWOOT_CONTRACTS_DIR to the folder holding application_swagger.json`);
  }
  return dir;
}

export function specPaths(): { application: string; platform: string; supplement: string } {
  const dir = contractsDir();
  return {
    application: join(dir, 'application_swagger.json'),
    platform: join(dir, 'platform_swagger.json'),
    supplement: join(packageRoot, 'contract', 'supplement.json'),
  };
}
