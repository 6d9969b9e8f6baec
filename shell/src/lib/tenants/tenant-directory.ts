import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tenantFromGroupPath, type TenantDirectory } from '@wrrk/keycloak/principal.ts';

/**
 * Readable tenant names ("Acme Corp" for `/organizations/acme-corp`). Tokens carry group paths
 * only; Keycloak keeps the display name as the group attribute `displayName` in the realm. The
 * shell reads it from the realm file the development provider serves (KEYCLOAK_REALM_FILE, or
 * keycloak/wrrk-realm.json plus keycloak/dev/demo-realm-data.json found from the working
 * directory). Without the file (a production image talking to real Keycloak) names are derived
 * from the path, which principalFromClaims does by itself.
 */

interface Group {
  name?: string;
  path?: string;
  attributes?: Record<string, string[] | undefined>;
  subGroups?: Group[];
}

/** The walk of keycloak/src/tenant-directory.ts, kept free of that module's file-system imports. */
export function directoryFromGroups(groups: readonly Group[]): Map<string, string> {
  const directory = new Map<string, string>();
  const visit = (group: Group, parentPath: string): void => {
    const groupPath = group.path ?? `${parentPath}/${group.name ?? ''}`;
    const displayName = group.attributes?.['displayName']?.[0]?.trim();
    if (displayName && tenantFromGroupPath(groupPath)) directory.set(groupPath, displayName);
    for (const child of group.subGroups ?? []) visit(child, groupPath);
  };
  for (const group of groups) visit(group, '');
  return directory;
}

function realmFiles(): string[] {
  const explicit = process.env['KEYCLOAK_REALM_FILE'];
  const files: string[] = [];
  const roots = [process.cwd(), path.dirname(process.cwd()), path.dirname(path.dirname(process.cwd()))];
  const realm = explicit ?? roots.map((root) => path.join(root, 'keycloak', 'wrrk-realm.json')).find((file) => existsSync(file));
  if (!realm) return files;
  files.push(realm);
  const demo = path.join(path.dirname(realm), 'dev', 'demo-realm-data.json');
  if (existsSync(demo)) files.push(demo);
  return files;
}

async function load(): Promise<TenantDirectory> {
  const merged = new Map<string, string>();
  for (const file of realmFiles()) {
    try {
      const json = JSON.parse(await readFile(file, 'utf8')) as { groups?: Group[] };
      for (const [key, value] of directoryFromGroups(json.groups ?? [])) merged.set(key, value);
    } catch {
      // An unreadable realm file only costs the pretty names.
    }
  }
  return merged;
}

let loaded: Promise<TenantDirectory> | undefined;

export function tenantDirectory(): Promise<TenantDirectory> {
  loaded ??= load();
  return loaded;
}
