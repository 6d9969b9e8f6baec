import type { Principal, Tenant } from '@wrrk/keycloak/principal.ts';

/**
 * The current tenant. The user's choice is a cookie that names both the user and the tenant,
 * so a shared browser does not carry one person's choice over to the next. It is only a
 * preference: on every request it is checked against the tenants of the session's token, and an
 * unknown or foreign value falls back to the default. The orchestrator checks membership again.
 */
export const TENANT_COOKIE = 'wrrk.tenant';
export const TENANT_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

const KIND_ORDER: Record<Tenant['kind'], number> = { organization: 0, team: 1, personal: 2 };

/** Organizations first, then teams, then the personal space; each group in token order. */
export function sortTenants(tenants: readonly Tenant[]): Tenant[] {
  return tenants
    .map((tenant, index) => ({ tenant, index }))
    .sort((a, b) => KIND_ORDER[a.tenant.kind] - KIND_ORDER[b.tenant.kind] || a.index - b.index)
    .map(({ tenant }) => tenant);
}

export function defaultTenant(principal: Principal): Tenant {
  const sorted = sortTenants(principal.tenants);
  // principalFromClaims always adds the personal tenant, so there is at least one.
  return sorted[0]!;
}

export function encodeTenantChoice(userId: string, tenantId: string): string {
  return `${encodeURIComponent(userId)}|${encodeURIComponent(tenantId)}`;
}

export function decodeTenantChoice(value: string | undefined | null): { userId: string; tenantId: string } | null {
  if (!value) return null;
  const [user, tenant, ...rest] = value.split('|');
  if (!user || !tenant || rest.length > 0) return null;
  try {
    return { userId: decodeURIComponent(user), tenantId: decodeURIComponent(tenant) };
  } catch {
    return null;
  }
}

export interface TenantResolution {
  tenant: Tenant;
  /** Why the choice was not used, when it was not (for logs and the UI). */
  fallback: null | 'none' | 'other-user' | 'not-a-member';
}

export function resolveTenant(principal: Principal, cookieValue: string | undefined | null): TenantResolution {
  const choice = decodeTenantChoice(cookieValue);
  if (!choice) return { tenant: defaultTenant(principal), fallback: 'none' };
  if (choice.userId !== principal.id) return { tenant: defaultTenant(principal), fallback: 'other-user' };
  const tenant = principal.tenants.find((candidate) => candidate.id === choice.tenantId);
  if (!tenant) return { tenant: defaultTenant(principal), fallback: 'not-a-member' };
  return { tenant, fallback: null };
}
