import { describe, expect, it } from 'vitest';

import { hasRole, InvalidClaimsError, isTenantMember, principalFromClaims, tenantFromGroupPath } from './principal.ts';

const ALICE = '148521e5-07e9-450f-831d-0d35330d3f8b';

/** Claims as the realm's mappers put them in an access token for the shell. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: ALICE,
    azp: 'shell',
    preferred_username: 'alice.agent',
    name: 'Alice Agent',
    email: 'alice.agent@acme-corp.example',
    realm_access: { roles: ['default-roles-wrrk', 'offline_access', 'agent', 'uma_authorization'] },
    groups: ['/organizations/acme-corp', '/teams/support'],
    ...overrides,
  };
}

describe('principalFromClaims', () => {
  it('turns Keycloak claims into the user, their roles and their tenants', () => {
    const directory = new Map([['/organizations/acme-corp', 'Acme Corp']]);
    expect(principalFromClaims(claims(), directory)).toEqual({
      id: ALICE,
      username: 'alice.agent',
      name: 'Alice Agent',
      email: 'alice.agent@acme-corp.example',
      roles: ['agent'],
      tenants: [
        { id: '/organizations/acme-corp', kind: 'organization', name: 'Acme Corp' },
        { id: '/teams/support', kind: 'team', name: 'Support' },
        { id: ALICE, kind: 'personal', name: 'Alice Agent (personal)' },
      ],
      clientId: 'shell',
    });
  });

  it('always adds the personal tenant, keyed by the subject, even without groups', () => {
    const principal = principalFromClaims(claims({ groups: undefined }));
    expect(principal.tenants).toEqual([{ id: ALICE, kind: 'personal', name: 'Alice Agent (personal)' }]);
    expect(isTenantMember(principal, ALICE)).toBe(true);
  });

  it('ignores group paths that are not tenants instead of guessing', () => {
    const principal = principalFromClaims(
      claims({
        groups: [
          '/organizations',
          '/organizations/',
          '/organizations/acme/nested',
          '/teams/with space',
          '/projects/apollo',
          'organizations/acme-corp',
          42,
          '/organizations/acme-corp',
          '/organizations/acme-corp',
        ],
      }),
    );
    expect(principal.tenants.map((tenant) => tenant.id)).toEqual(['/organizations/acme-corp', ALICE]);
    expect(isTenantMember(principal, '/projects/apollo')).toBe(false);
    expect(isTenantMember(principal, '/organizations/globex')).toBe(false);
  });

  it('keeps only the four product roles, in a fixed order', () => {
    const principal = principalFromClaims(
      claims({ realm_access: { roles: ['uma_authorization', 'ceo', 'superuser', 'agent', 'default-roles-wrrk', 'ceo'] } }),
    );
    expect(principal.roles).toEqual(['agent', 'ceo']);
    expect(hasRole(principal, 'ceo')).toBe(true);
    expect(hasRole(principal, 'admin', 'manager')).toBe(false);
    expect(hasRole(principal, 'admin', 'agent')).toBe(true);
  });

  it('treats a missing or malformed realm_access as no roles', () => {
    expect(principalFromClaims(claims({ realm_access: undefined })).roles).toEqual([]);
    expect(principalFromClaims(claims({ realm_access: { roles: 'ceo' } })).roles).toEqual([]);
    expect(principalFromClaims(claims({ realm_access: 'ceo' })).roles).toEqual([]);
  });

  it('falls back from name to username to subject, and reads client_id when azp is absent', () => {
    const principal = principalFromClaims({ sub: 'svc-1', client_id: 'orchestrator' });
    expect(principal).toMatchObject({ id: 'svc-1', username: 'svc-1', name: 'svc-1', email: null, clientId: 'orchestrator' });
    expect(principalFromClaims(claims({ name: '' })).name).toBe('alice.agent');
  });

  it('refuses claims without a subject', () => {
    expect(() => principalFromClaims(claims({ sub: undefined }))).toThrow(InvalidClaimsError);
    expect(() => principalFromClaims(claims({ sub: '' }))).toThrow(InvalidClaimsError);
  });
});

describe('tenantFromGroupPath', () => {
  it('reads organizations and teams one level deep, naming them from the directory or the slug', () => {
    expect(tenantFromGroupPath('/organizations/globex', new Map([['/organizations/globex', 'Globex Corporation']]))).toEqual({
      id: '/organizations/globex',
      kind: 'organization',
      name: 'Globex Corporation',
    });
    expect(tenantFromGroupPath('/teams/tier-2_support')).toEqual({ id: '/teams/tier-2_support', kind: 'team', name: 'Tier 2 Support' });
    expect(tenantFromGroupPath('/teams/support/emea')).toBeNull();
    expect(tenantFromGroupPath('/teams/-support')).toBeNull();
    expect(tenantFromGroupPath('/admins')).toBeNull();
  });
});
