import { describe, expect, it } from 'vitest';

import { principalFromClaims } from './principal.ts';
import { DEFAULT_DEMO_DATA_FILE, DEFAULT_DEMO_REALM_FILE, DEFAULT_REALM_FILE } from './realm/load-realm.ts';
import { loadTenantDirectory, tenantDirectoryFromGroups } from './tenant-directory.ts';

describe('tenant directory', () => {
  it('reads the demo tenants\' display names from the realm files', () => {
    const expected = new Map([
      ['/organizations/acme-corp', 'Acme Corp'],
      ['/organizations/globex', 'Globex'],
      ['/teams/support', 'Support Team'],
    ]);
    expect(loadTenantDirectory(DEFAULT_REALM_FILE, DEFAULT_DEMO_DATA_FILE)).toEqual(expected);
    expect(loadTenantDirectory(DEFAULT_DEMO_REALM_FILE)).toEqual(expected);
  });

  it('has no tenants in the production realm (they are created in Keycloak)', () => {
    expect(loadTenantDirectory().size).toBe(0);
  });

  it('reads groups as the admin API returns them (paths given) and skips non-tenant groups', () => {
    const directory = tenantDirectoryFromGroups([
      { name: 'organizations', path: '/organizations', attributes: { displayName: ['Organizations'] }, subGroups: [
        { name: 'initech', path: '/organizations/initech', attributes: { displayName: ['  Initech  '] } },
        { name: 'hooli', path: '/organizations/hooli', attributes: {} },
      ] },
      { name: 'admins', path: '/admins', attributes: { displayName: ['Admins'] } },
    ]);
    expect(directory).toEqual(new Map([['/organizations/initech', 'Initech']]));
  });

  it('gives the principal readable tenant names', () => {
    const principal = principalFromClaims({ sub: 'u1', groups: ['/organizations/acme-corp'] }, loadTenantDirectory(DEFAULT_DEMO_REALM_FILE));
    expect(principal.tenants[0]).toEqual({ id: '/organizations/acme-corp', kind: 'organization', name: 'Acme Corp' });
  });
});
