/**
 * Display names of tenants ("Acme Corp" for `/organizations/acme-corp`), for
 * `principalFromClaims(claims, directory)`. Keycloak keeps them as the group attribute
 * `displayName`; tokens carry only paths. Build the directory from a realm file (development,
 * demo) or from groups read through Keycloak's admin API (production).
 *
 * Node-only (reads files); principal.ts stays free of Node imports for browser bundles.
 */
import { readRealmFiles, DEFAULT_REALM_FILE } from './realm/load-realm.ts';
import type { GroupRepresentation } from './realm/realm-schema.ts';
import { tenantFromGroupPath, type TenantDirectory } from './principal.ts';

/** The group attribute holding a tenant's display name. */
export const DISPLAY_NAME_ATTRIBUTE = 'displayName';

/** A group as both the realm file and Keycloak's admin API describe it. */
export interface DirectoryGroup {
  name?: string;
  path?: string;
  attributes?: Record<string, string[] | undefined>;
  subGroups?: DirectoryGroup[];
}

/**
 * Walks a group tree (nested `subGroups`; paths computed from names when absent) and returns
 * the display name of every tenant group that has one.
 */
export function tenantDirectoryFromGroups(groups: readonly DirectoryGroup[]): TenantDirectory {
  const directory = new Map<string, string>();
  const visit = (group: DirectoryGroup, parentPath: string): void => {
    const path = group.path ?? `${parentPath}/${group.name ?? ''}`;
    const displayName = group.attributes?.[DISPLAY_NAME_ATTRIBUTE]?.[0]?.trim();
    if (displayName && tenantFromGroupPath(path)) directory.set(path, displayName);
    for (const child of group.subGroups ?? []) visit(child, path);
  };
  for (const group of groups) visit(group, '');
  return directory;
}

/**
 * Reads a realm file (plus optional demo data) and returns its tenant display names.
 * For the demo tenants pass the merged demo realm (`DEFAULT_DEMO_REALM_FILE` from
 * `./realm/load-realm.ts`) or the demo data file.
 */
export function loadTenantDirectory(
  realmFile: string = DEFAULT_REALM_FILE,
  demoDataFile: string | null = null,
): TenantDirectory {
  const realm = readRealmFiles(realmFile, demoDataFile);
  return tenantDirectoryFromGroups((realm.groups ?? []) as GroupRepresentation[]);
}
