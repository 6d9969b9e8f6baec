import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where Chatwoot's OpenAPI descriptions live. The published ones are in the shared contracts
 * folder next to the repository (`../shared/contracts/chatwoot/`, override with
 * CHATWOOT_CONTRACTS_DIR); the supplement for undocumented endpoints ships with this package.
 */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function contractsDir(): string {
  const fromEnv = process.env['CHATWOOT_CONTRACTS_DIR'];
  if (fromEnv) return resolve(fromEnv);
  for (const candidate of [join(packageRoot, '..', '..', 'shared', 'contracts', 'chatwoot'), join(packageRoot, '..', 'shared', 'contracts', 'chatwoot')]) {
    if (existsSync(join(candidate, 'application_swagger.json'))) return candidate;
  }
  throw new Error('Chatwoot OpenAPI descriptions not found: set CHATWOOT_CONTRACTS_DIR to the folder holding application_swagger.json');
}

export function specPaths(): { application: string; platform: string; supplement: string } {
  const dir = contractsDir();
  return {
    application: join(dir, 'application_swagger.json'),
    platform: join(dir, 'platform_swagger.json'),
    supplement: join(packageRoot, 'openapi', 'supplement.json'),
  };
}
