/**
 * Writes keycloak/dev/wrrk-demo-realm.json: the production realm with the demo data merged in,
 * placeholders kept for Keycloak to resolve. A demo or development compose stack mounts that
 * one file as /opt/keycloak/data/import/wrrk-realm.json.
 *
 *   node keycloak/src/realm/build-demo-realm.ts           # write the file
 *   node keycloak/src/realm/build-demo-realm.ts --check   # exit 1 if it is out of date
 *
 * A test runs the check, so the committed file cannot drift from its sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { DEFAULT_DEMO_DATA_FILE, DEFAULT_DEMO_REALM_FILE, DEFAULT_REALM_FILE, readRealmFiles } from './load-realm.ts';

export function buildDemoRealm(realmFile = DEFAULT_REALM_FILE, demoDataFile = DEFAULT_DEMO_DATA_FILE): string {
  return `${JSON.stringify(readRealmFiles(realmFile, demoDataFile), null, 2)}\n`;
}

export function demoRealmIsCurrent(outputFile = DEFAULT_DEMO_REALM_FILE): boolean {
  try {
    return readFileSync(outputFile, 'utf8') === buildDemoRealm();
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    if (!demoRealmIsCurrent()) {
      console.error(`${DEFAULT_DEMO_REALM_FILE} is out of date: run node keycloak/src/realm/build-demo-realm.ts`);
      process.exit(1);
    }
    console.log(`${DEFAULT_DEMO_REALM_FILE} is up to date`);
  } else {
    writeFileSync(DEFAULT_DEMO_REALM_FILE, buildDemoRealm());
    console.log(`wrote ${DEFAULT_DEMO_REALM_FILE}`);
  }
}
