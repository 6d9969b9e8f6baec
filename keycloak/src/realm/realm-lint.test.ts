import { describe, expect, it } from 'vitest';

import { DEFAULT_DEMO_DATA_FILE, DEFAULT_DEMO_REALM_FILE, DEFAULT_REALM_FILE, readJsonFile } from './load-realm.ts';
import { lintDemoData, lintRealm, type LintFinding } from './realm-lint.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test edits of raw JSON

const production = readJsonFile(DEFAULT_REALM_FILE) as Json;
const demo = readJsonFile(DEFAULT_DEMO_REALM_FILE) as Json;

/** Lints a copy of the production realm after `edit`. */
function lintEdited(edit: (realm: Json) => void, kind: 'production' | 'demo' = 'production', base: Json = production): LintFinding[] {
  const realm = structuredClone(base);
  edit(realm);
  return lintRealm(realm, { kind });
}

const client = (realm: Json, clientId: string): Json => realm['clients'].find((c: Json) => c['clientId'] === clientId);
const mapper = (realm: Json, clientId: string, type: string): Json =>
  client(realm, clientId)['protocolMappers'].find((m: Json) => m['protocolMapper'] === type);

function expectFinding(findings: LintFinding[], path: string | RegExp, message: RegExp): void {
  expect(findings).toContainEqual({ path: expect.stringMatching(path), message: expect.stringMatching(message) });
}

describe('realm files', () => {
  it('the production realm passes every check', () => {
    expect(lintRealm(production, { kind: 'production' })).toEqual([]);
  });

  it('the demo realm (production realm + demo data) passes every check', () => {
    expect(lintRealm(demo, { kind: 'demo' })).toEqual([]);
    expect(lintDemoData(readJsonFile(DEFAULT_DEMO_DATA_FILE))).toEqual([]);
  });
});

describe('realm lint catches what Keycloak rejects or silently drops', () => {
  it('a clientScopes array (Keycloak then creates none of its built-in scopes)', () => {
    expectFinding(lintEdited((realm) => { realm['clientScopes'] = []; }), 'clientScopes', /built-in scopes/);
    expectFinding(lintEdited((realm) => { realm['defaultDefaultClientScopes'] = ['profile']; }), 'defaultDefaultClientScopes', /remove/);
  });

  it('a mapper config value that is not a string', () => {
    const findings = lintEdited((realm) => { mapper(realm, 'shell', 'oidc-group-membership-mapper')['config']['id.token.claim'] = true; });
    expectFinding(findings, /protocolMappers\.0\.config/, /expected string/);
  });

  it('a mapper flag left to the admin console\'s default', () => {
    const findings = lintEdited((realm) => { delete mapper(realm, 'wrrk-dashboard', 'oidc-group-membership-mapper')['config']['userinfo.token.claim']; });
    expectFinding(findings, /clients\[1\]\.protocolMappers\[0\]\.config/, /"userinfo\.token\.claim" explicitly/);
  });

  it('group paths that are not full paths, and realm roles under another claim', () => {
    const findings = lintEdited((realm) => {
      mapper(realm, 'shell', 'oidc-group-membership-mapper')['config']['full.path'] = 'false';
      mapper(realm, 'shell', 'oidc-usermodel-realm-role-mapper')['config']['claim.name'] = 'roles';
    });
    expectFinding(findings, /clients\[0\]/, /full\.path/);
    expectFinding(findings, /clients\[0\]/, /realm_access\.roles/);
  });

  it('a client without the orchestrator audience', () => {
    const findings = lintEdited((realm) => {
      const dashboard = client(realm, 'wrrk-dashboard');
      dashboard['protocolMappers'] = dashboard['protocolMappers'].filter((m: Json) => m['protocolMapper'] !== 'oidc-audience-mapper');
    });
    expectFinding(findings, /clients\[1\]\.protocolMappers/, /audience mapper adding "orchestrator"/);
  });

  it('an audience naming a client the realm lacks', () => {
    const findings = lintEdited((realm) => { mapper(realm, 'shell', 'oidc-audience-mapper')['config']['included.client.audience'] = 'orchestrater'; });
    expectFinding(findings, /clients\[0\]/, /"orchestrater", which the realm does not have/);
  });

  it('a mapper type the development provider does not implement', () => {
    const findings = lintEdited((realm) => {
      client(realm, 'shell')['protocolMappers'].push({ name: 'js', protocol: 'openid-connect', protocolMapper: 'oidc-script-based-protocol-mapper', config: {} });
    });
    expectFinding(findings, /protocolMapper$/, /not implemented by the development provider/);
  });

  it('two mappers with one name (Keycloak refuses the import)', () => {
    const findings = lintEdited((realm) => {
      const shell = client(realm, 'shell');
      shell['protocolMappers'].push(structuredClone(shell['protocolMappers'][0]));
    });
    expectFinding(findings, /name$/, /two mappers named "tenant groups"/);
  });

  it('a literal client secret, a missing PKCE method, an omitted flag', () => {
    const findings = lintEdited((realm) => {
      client(realm, 'orchestrator')['secret'] = 'hunter2';
      delete client(realm, 'shell')['attributes']['pkce.code.challenge.method'];
      delete client(realm, 'shell')['directAccessGrantsEnabled'];
    });
    expectFinding(findings, /clients\[2\]\.secret/, /placeholder, never a literal/);
    expectFinding(findings, /clients\[0\]\.attributes/, /pkce\.code\.challenge\.method/);
    expectFinding(findings, /clients\[0\]\.directAccessGrantsEnabled/, /explicitly/);
  });

  it('a client attribute that is not a string', () => {
    const findings = lintEdited((realm) => { client(realm, 'shell')['attributes']['use.refresh.tokens'] = true; });
    expectFinding(findings, /attributes/, /expected string/);
  });

  it('redirect URIs Keycloak would not accept or match', () => {
    const findings = lintEdited((realm) => {
      client(realm, 'shell')['redirectUris'] = ['*', '/api/auth/callback/keycloak', '${SHELL_URL}/*/callback', '${SHELL_URL}/cb?state=x'];
      delete client(realm, 'wrrk-dashboard')['attributes']['post.logout.redirect.uris'];
    });
    expectFinding(findings, /redirectUris\[0\]/, /wildcard/);
    expectFinding(findings, /redirectUris\[1\]/, /not an absolute/);
    expectFinding(findings, /redirectUris\[2\]/, /wildcard/);
    expectFinding(findings, /redirectUris\[3\]/, /response parameter/);
    expectFinding(findings, /clients\[0\]\.redirectUris/, /api\/auth\/callback\/keycloak/);
    expectFinding(findings, /clients\[1\]\.attributes/, /post\.logout\.redirect\.uris/);
  });

  it('placeholders that compose would not set, and listed ones the realm no longer uses', () => {
    const unlisted = lintEdited((realm) => { client(realm, 'shell')['rootUrl'] = '${SHELL_PUBLIC_URL}'; });
    expectFinding(unlisted, '(placeholders)', /SHELL_PUBLIC_URL.*REALM_PLACEHOLDERS/);
    const lowercase = lintEdited((realm) => { client(realm, 'shell')['rootUrl'] = '${shell_url}'; });
    expectFinding(lowercase, '(placeholders)', /not an upper-case/);
    const unused = lintEdited((realm) => { client(realm, 'orchestrator')['secret'] = '${SHELL_CLIENT_SECRET}'; });
    expectFinding(unused, '(placeholders)', /ORCHESTRATOR_CLIENT_SECRET.*never uses/);
  });

  it('people in the production realm', () => {
    const findings = lintEdited((realm) => { realm['users'].push(structuredClone(demo['users'].find((u: Json) => u['username'] === 'alice.agent'))); });
    expectFinding(findings, /users\[1\]/, /holds no people/);
  });

  it('tenant groups without a display name, with a non-slug name, or nested', () => {
    const findings = lintEdited((realm) => {
      realm['groups'][0]['subGroups'] = [{ name: 'Acme Corp', attributes: { displayName: ['Acme Corp'] } }, { name: 'initech' }];
    });
    expectFinding(findings, /subGroups\[0\]\.name/, /not a slug/);
    expectFinding(findings, /subGroups\[1\]\.attributes/, /needs attributes\.displayName/);
    // Keycloak stores attributes as lists: a bare string does not import.
    const bare = lintEdited((realm) => { realm['groups'][0]['subGroups'] = [{ name: 'initech', attributes: { displayName: 'Initech' } }]; });
    expectFinding(bare, /subGroups\.0\.attributes\.displayName/, /expected array/);
    const nested = lintEdited((realm) => {
      realm['groups'][0]['subGroups'] = [{ name: 'hooli', attributes: { displayName: ['Hooli'] }, subGroups: [{ name: 'emea' }] }];
    });
    expectFinding(nested, /subGroups\[0\]\.subGroups/, /exactly one level/);
  });

  it('demo users Keycloak would import without roles, disabled, or with a one-time password', () => {
    const findings = lintEdited(
      (realm) => {
        const alice = realm['users'].find((u: Json) => u['username'] === 'alice.agent');
        alice['realmRoles'] = ['agent'];
        alice['groups'].push('/organizations/initech');
        alice['credentials'][0]['temporary'] = true;
        delete realm['users'].find((u: Json) => u['username'] === 'olga.agent')['enabled'];
        realm['users'].find((u: Json) => u['username'] === 'mark.manager')['email'] = 'alice.agent@acme-corp.example';
      },
      'demo',
      demo,
    );
    expectFinding(findings, /realmRoles/, /default-roles-wrrk/);
    expectFinding(findings, /groups/, /"\/organizations\/initech", which the realm does not declare/);
    expectFinding(findings, /credentials/, /temporary/);
    expectFinding(findings, /enabled/, /disabled user/);
    expectFinding(findings, /email/, /used twice/);
  });

  it('demo data that changes clients or roles', () => {
    expect(lintDemoData({ users: [], clients: [] })).toEqual([{ path: 'clients', message: expect.stringMatching(/belongs in the realm file/) }]);
  });
});
