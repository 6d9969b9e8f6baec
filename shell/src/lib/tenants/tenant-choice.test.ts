import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '@wrrk/keycloak/principal.ts';
import { decodeTenantChoice, encodeTenantChoice, resolveTenant, sortTenants } from './tenant-choice';

const alice = principalFromClaims(
  { sub: 'u-alice', name: 'Alice Agent', realm_access: { roles: ['agent'] }, groups: ['/teams/support', '/organizations/acme-corp'] },
  new Map([['/teams/support', 'Support Team']]),
);

describe('tenant choice', () => {
  it('lists organizations, then teams, then the personal space', () => {
    expect(sortTenants(alice.tenants).map((tenant) => tenant.id)).toEqual(['/organizations/acme-corp', '/teams/support', 'u-alice']);
  });

  it('defaults to the first organization', () => {
    expect(resolveTenant(alice, undefined)).toEqual({ tenant: { id: '/organizations/acme-corp', kind: 'organization', name: 'Acme Corp' }, fallback: 'none' });
  });

  it("honours the user's own valid choice", () => {
    const cookie = encodeTenantChoice('u-alice', '/teams/support');
    expect(resolveTenant(alice, cookie)).toEqual({ tenant: { id: '/teams/support', kind: 'team', name: 'Support Team' }, fallback: null });
    expect(resolveTenant(alice, encodeTenantChoice('u-alice', 'u-alice')).tenant.kind).toBe('personal');
  });

  it("ignores another user's choice left in a shared browser", () => {
    expect(resolveTenant(alice, encodeTenantChoice('u-olga', '/teams/support'))).toMatchObject({ tenant: { id: '/organizations/acme-corp' }, fallback: 'other-user' });
  });

  it('never lets a cookie name a tenant the session does not have', () => {
    expect(resolveTenant(alice, encodeTenantChoice('u-alice', '/organizations/globex'))).toMatchObject({ tenant: { id: '/organizations/acme-corp' }, fallback: 'not-a-member' });
  });

  it('treats malformed cookies as no choice', () => {
    for (const junk of ['', 'x', 'a|b|c', '%E0%A4%A|x', '|/teams/support']) expect(resolveTenant(alice, junk).fallback).toBe('none');
    expect(decodeTenantChoice(encodeTenantChoice('a|b', '/x|y'))).toEqual({ userId: 'a|b', tenantId: '/x|y' });
  });
});
