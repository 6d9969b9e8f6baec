import { describe, expect, it } from 'vitest';

import { buildDemoRealm, demoRealmIsCurrent } from './build-demo-realm.ts';
import { mergeDemoData } from './demo-data.ts';
import { loadRealm } from './load-realm.ts';
import { DEV_PLACEHOLDER_DEFAULTS, REALM_PLACEHOLDERS, devPlaceholderEnvironment, findPlaceholders, resolvePlaceholders, UnresolvedPlaceholderError } from './placeholders.ts';
import { RealmFileError, type RealmRepresentation } from './realm-schema.ts';

describe('demo realm for a Keycloak container', () => {
  it('keycloak/dev/wrrk-demo-realm.json is what build-demo-realm.ts writes (run it after editing the sources)', () => {
    expect(demoRealmIsCurrent()).toBe(true);
  });

  it('keeps the placeholders for Keycloak to resolve at import', () => {
    expect([...findPlaceholders(JSON.parse(buildDemoRealm()))].sort()).toEqual([...REALM_PLACEHOLDERS].sort());
  });
});

describe('mergeDemoData', () => {
  const realm: RealmRepresentation = {
    realm: 'wrrk',
    bruteForceProtected: true,
    groups: [{ id: 'org-id', name: 'organizations', attributes: { displayName: ['Organizations'] }, subGroups: [] }],
    users: [{ username: 'service-account-orchestrator' }],
  };

  it('adds demo tenants under the realm\'s groups, appends users, and applies demo settings', () => {
    const merged = mergeDemoData(realm, {
      bruteForceProtected: false,
      groups: [
        { name: 'organizations', subGroups: [{ name: 'acme-corp' }] },
        { name: 'teams', subGroups: [{ name: 'support' }] },
      ],
      users: [{ username: 'alice.agent' }],
    });
    expect(merged.bruteForceProtected).toBe(false);
    expect(merged.groups).toEqual([
      { id: 'org-id', name: 'organizations', attributes: { displayName: ['Organizations'] }, subGroups: [{ name: 'acme-corp' }] },
      { name: 'teams', subGroups: [{ name: 'support' }] },
    ]);
    expect(merged.users?.map((user) => user.username)).toEqual(['service-account-orchestrator', 'alice.agent']);
    expect(realm.groups?.[0]?.subGroups).toEqual([]);
  });

  it('refuses demo users the realm already has', () => {
    expect(() => mergeDemoData(realm, { users: [{ username: 'Service-Account-Orchestrator' }] })).toThrow(RealmFileError);
  });
});

describe('placeholders', () => {
  it('resolves ${NAME} everywhere and names every missing variable', () => {
    expect(resolvePlaceholders({ a: ['${X}/cb', { b: '${Y}' }] }, { X: 'http://x', Y: 'y' })).toEqual({ a: ['http://x/cb', { b: 'y' }] });
    expect(() => resolvePlaceholders({ a: '${X} ${Y} ${X}' }, {})).toThrow(new UnresolvedPlaceholderError(['X', 'Y']));
  });

  it('gives the development provider defaults for unset or empty variables', () => {
    const env = devPlaceholderEnvironment({ SHELL_URL: 'https://shell.example/', SHELL_CLIENT_SECRET: '' });
    expect(env).toMatchObject({
      SHELL_URL: 'https://shell.example',
      SHELL_CLIENT_SECRET: DEV_PLACEHOLDER_DEFAULTS.SHELL_CLIENT_SECRET,
      ORCHESTRATOR_CLIENT_SECRET: DEV_PLACEHOLDER_DEFAULTS.ORCHESTRATOR_CLIENT_SECRET,
    });
  });

  it('loads the realm with the values given', () => {
    const { realm } = loadRealm({ env: devPlaceholderEnvironment({ SHELL_URL: 'https://shell.example', SHELL_CLIENT_SECRET: 's3cret' }) });
    expect(realm.clients.get('shell')).toMatchObject({
      secret: 's3cret',
      redirectUris: ['https://shell.example/api/auth/callback/keycloak'],
      postLogoutRedirectUris: ['https://shell.example/*'],
      webOrigins: ['https://shell.example'],
    });
    expect(realm.clients.get('wrrk-dashboard')?.redirectUris).toEqual(['https://shell.example/chatwoot-app/*']);
  });
});
