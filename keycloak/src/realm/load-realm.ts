/**
 * Reads the realm file (and optionally the demo data) the way the development provider needs
 * it: merged, `${ENV}` placeholders resolved, validated, as a RealmModel.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { mergeDemoData } from './demo-data.ts';
import { resolvePlaceholders } from './placeholders.ts';
import { RealmModel } from './realm-model.ts';
import { parseDemoData, parseRealm, RealmFileError, type RealmRepresentation } from './realm-schema.ts';

/** `keycloak/wrrk-realm.json`: the production realm, imported by Keycloak as is. */
export const DEFAULT_REALM_FILE = fileURLToPath(new URL('../../wrrk-realm.json', import.meta.url));
/** `keycloak/dev/demo-realm-data.json`: demo organisations, team and users (development only). */
export const DEFAULT_DEMO_DATA_FILE = fileURLToPath(new URL('../../dev/demo-realm-data.json', import.meta.url));
/** `keycloak/dev/wrrk-demo-realm.json`: realm + demo data, written by build-demo-realm.ts for a demo Keycloak. */
export const DEFAULT_DEMO_REALM_FILE = fileURLToPath(new URL('../../dev/wrrk-demo-realm.json', import.meta.url));

export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new RealmFileError(`cannot read file (${(cause as Error).message})`, file);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new RealmFileError(`is not valid JSON (${(cause as Error).message})`, file);
  }
}

/** The realm with demo data merged in, placeholders still in place (what Keycloak would import). */
export function readRealmFiles(realmFile: string, demoDataFile?: string | null): RealmRepresentation {
  const realm = parseRealm(readJsonFile(realmFile), realmFile);
  if (!demoDataFile) return realm;
  return mergeDemoData(realm, parseDemoData(readJsonFile(demoDataFile), demoDataFile));
}

export interface LoadRealmOptions {
  realmFile?: string;
  /** `null` loads no demo data. */
  demoDataFile?: string | null;
  /** Values for `${NAME}` placeholders. */
  env: Readonly<Record<string, string | undefined>>;
}

export function loadRealm(options: LoadRealmOptions): { realm: RealmModel; representation: RealmRepresentation; demoUsernames: string[] } {
  const realmFile = options.realmFile ?? DEFAULT_REALM_FILE;
  const demoDataFile = options.demoDataFile === undefined ? DEFAULT_DEMO_DATA_FILE : options.demoDataFile;
  const raw = readRealmFiles(realmFile, demoDataFile);
  const representation = parseRealm(resolvePlaceholders(raw, options.env), realmFile);
  const demoUsernames = demoDataFile
    ? (parseDemoData(readJsonFile(demoDataFile), demoDataFile).users ?? []).map((user) => user.username.toLowerCase())
    : [];
  return { realm: new RealmModel(representation), representation, demoUsernames };
}
