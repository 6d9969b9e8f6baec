import { describe, expect, it } from 'vitest';

import { RealmModel } from '../realm/realm-model.ts';
import type { ProtocolMapperRepresentation } from '../realm/realm-schema.ts';
import { keycloakTokenScope, mapClaims, splitClaimName, type ClaimSubject } from './token-claims.ts';

const flags = (access: boolean, id: boolean, userinfo: boolean): Record<string, string> => ({
  'access.token.claim': String(access),
  'id.token.claim': String(id),
  'userinfo.token.claim': String(userinfo),
  'introspection.token.claim': 'true',
});

function subject(mappers: ProtocolMapperRepresentation[]): ClaimSubject {
  const realm = new RealmModel({
    realm: 'test',
    roles: { realm: [{ name: 'agent' }, { name: 'lead', composites: { realm: ['agent'] } }] },
    groups: [{ name: 'teams', realmRoles: ['lead'], subGroups: [{ name: 'support' }] }],
    clients: [
      { clientId: 'app', webOrigins: ['+'], redirectUris: ['https://app.example/cb'], protocolMappers: mappers },
      { clientId: 'api' },
    ],
    users: [
      {
        username: 'Bea',
        enabled: true,
        firstName: 'Bea',
        email: 'bea@example.com',
        attributes: { phones: ['1', '2'], level: ['7'] },
        realmRoles: ['default-roles-test'],
        clientRoles: { api: ['read'] },
        groups: ['/teams/support'],
      },
    ],
  });
  return { realm, user: realm.userByLogin('bea')!, client: realm.clients.get('app')!, sessionNotes: { AUTH_TIME: 1700000000 }, acr: '1' };
}

describe('mapClaims (Keycloak protocol mappers)', () => {
  it('applies the built-in default scopes: profile, email, roles, web-origins, acr, basic', () => {
    const claims = mapClaims(subject([]), 'access');
    expect(claims).toEqual({
      sub: expect.any(String),
      auth_time: 1700000000,
      acr: '1',
      name: 'Bea',
      preferred_username: 'bea',
      given_name: 'Bea',
      email: 'bea@example.com',
      email_verified: false,
      // Roles from the user's group's parent (teams → lead → agent) and the default role's composites.
      realm_access: { roles: ['default-roles-test', 'lead', 'offline_access', 'uma_authorization', 'agent'] },
      resource_access: { api: { roles: ['read'] }, account: { roles: ['view-profile', 'manage-account', 'manage-account-links'] } },
      'allowed-origins': ['https://app.example'],
      aud: ['api', 'account'],
    });
  });

  it('puts only profile and email claims in the ID token and userinfo by default', () => {
    const s = subject([]);
    expect(Object.keys(mapClaims(s, 'id')).sort()).toEqual(['acr', 'auth_time', 'email', 'email_verified', 'given_name', 'name', 'preferred_username']);
    expect(Object.keys(mapClaims(s, 'userinfo')).sort()).toEqual(['email', 'email_verified', 'given_name', 'name', 'preferred_username']);
  });

  it('honours each mapper\'s token flags, nesting, escaping, types and prefixes', () => {
    const claims = mapClaims(
      subject([
        { name: 'groups', protocol: 'openid-connect', protocolMapper: 'oidc-group-membership-mapper', config: { 'claim.name': 'groups', 'full.path': 'false', ...flags(false, true, true) } },
        { name: 'phones', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-attribute-mapper', config: { 'user.attribute': 'phones', 'claim.name': 'contact.phones', multivalued: 'true', ...flags(true, true, false) } },
        { name: 'level', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-attribute-mapper', config: { 'user.attribute': 'level', 'claim.name': 'x\\.level', 'jsonType.label': 'long', ...flags(false, true, false) } },
        { name: 'hard', protocol: 'openid-connect', protocolMapper: 'oidc-hardcoded-claim-mapper', config: { 'claim.name': 'tier', 'claim.value': '{"gold":true}', 'jsonType.label': 'JSON', ...flags(false, true, false) } },
        { name: 'roles', protocol: 'openid-connect', protocolMapper: 'oidc-usermodel-realm-role-mapper', config: { 'claim.name': 'roles', 'usermodel.realmRoleMapping.rolePrefix': 'ROLE_', multivalued: 'true', ...flags(false, true, false) } },
      ]),
      'id',
    );
    expect(claims).toMatchObject({
      groups: ['support'],
      contact: { phones: ['1', '2'] },
      'x.level': 7,
      tier: { gold: true },
      roles: ['ROLE_default-roles-test', 'ROLE_lead', 'ROLE_offline_access', 'ROLE_uma_authorization', 'ROLE_agent'],
    });
    expect(claims).not.toHaveProperty('aud');
  });

  it('adds configured audiences and merges two mappers writing one list claim', () => {
    const claims = mapClaims(
      subject([
        { name: 'aud', protocol: 'openid-connect', protocolMapper: 'oidc-audience-mapper', config: { 'included.custom.audience': 'https://api.example', 'access.token.claim': 'true', 'id.token.claim': 'false' } },
        { name: 'more roles', protocol: 'openid-connect', protocolMapper: 'oidc-hardcoded-claim-mapper', config: { 'claim.name': 'realm_access.roles', 'claim.value': 'extra', multivalued: 'true', ...flags(true, false, false) } },
      ]),
      'access',
    );
    expect(claims['aud']).toEqual(['api', 'account', 'https://api.example']);
    expect((claims['realm_access'] as { roles: string[] }).roles).toContain('extra');
    expect((claims['realm_access'] as { roles: string[] }).roles).toContain('agent');
  });

  it('splits claim names on unescaped dots', () => {
    expect(splitClaimName('resource_access.app.roles')).toEqual(['resource_access', 'app', 'roles']);
    expect(splitClaimName('https://example\\.com/claims')).toEqual(['https://example.com/claims']);
  });
});

describe('keycloakTokenScope', () => {
  it('reports openid, requested optional scopes and the default scopes shown in tokens', () => {
    expect(keycloakTokenScope(['openid'])).toBe('openid email profile');
    expect(keycloakTokenScope(['openid', 'profile', 'roles', 'phone'])).toBe('openid email phone profile');
    expect(keycloakTokenScope([])).toBe('email profile');
  });
});
