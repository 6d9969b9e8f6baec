/**
 * Demo data is kept apart from the production realm file and merged in for development: the
 * development provider merges it in memory, and `build-demo-realm.ts` writes the merged file
 * that a Keycloak container imports in a demo stack. One merge function serves both, so the
 * demo Keycloak and the development provider see the same realm.
 */
import type { DemoData, GroupRepresentation, RealmRepresentation } from './realm-schema.ts';
import { RealmFileError } from './realm-schema.ts';

/**
 * Returns a new realm: demo groups merged into the realm's group tree by name (a demo
 * `organizations` group adds children to the realm's `organizations`), demo users appended,
 * and any other top-level demo setting overriding the realm's.
 */
export function mergeDemoData(realm: RealmRepresentation, demo: DemoData): RealmRepresentation {
  const { groups: demoGroups, users: demoUsers, ...settings } = demo;
  const merged: RealmRepresentation = structuredClone({ ...realm, ...settings });

  if (demoGroups?.length) {
    merged.groups = mergeGroups(merged.groups ?? [], structuredClone(demoGroups));
  }
  if (demoUsers?.length) {
    const users = [...(merged.users ?? []), ...structuredClone(demoUsers)];
    const seen = new Set<string>();
    for (const user of users) {
      const key = user.username.toLowerCase();
      if (seen.has(key)) {
        throw new RealmFileError(`demo data adds user "${user.username}", which the realm already has`);
      }
      seen.add(key);
    }
    merged.users = users;
  }
  return merged;
}

function mergeGroups(base: GroupRepresentation[], extra: GroupRepresentation[]): GroupRepresentation[] {
  const result = [...base];
  for (const group of extra) {
    const index = result.findIndex((existing) => existing.name === group.name);
    if (index === -1) {
      result.push(group);
      continue;
    }
    const existing = result[index]!;
    const { subGroups, ...rest } = group;
    result[index] = {
      ...existing,
      ...rest,
      // Keep the realm's id for a group both files name (the production id wins).
      ...(existing.id ? { id: existing.id } : {}),
      attributes: { ...existing.attributes, ...rest.attributes },
      subGroups: mergeGroups(existing.subGroups ?? [], subGroups ?? []),
    };
    if (Object.keys(result[index]!.attributes ?? {}).length === 0) delete result[index]!.attributes;
  }
  return result;
}
