/**
 * Tenant resolution, shared by the shell and the orchestrator: one function turns verified
 * Keycloak token claims into the principal (who, which roles, which tenants).
 *
 * Tenants are Keycloak groups under `/organizations/*` and `/teams/*` (full paths in the
 * `groups` claim), plus the user's personal tenant (their subject). Anything else in `groups`
 * is ignored rather than guessed at.
 */

export const REALM_ROLES = ['agent', 'manager', 'ceo', 'admin'] as const;
export type RealmRole = (typeof REALM_ROLES)[number];

export type TenantKind = 'organization' | 'team' | 'personal';

export interface Tenant {
  /** The tenant id used everywhere: the group's full path, or the user id for the personal tenant. */
  id: string;
  kind: TenantKind;
  /** Readable name: the directory's display name when known, else derived from the path. */
  name: string;
}

export interface Principal {
  /** Keycloak subject (user UUID, or the service account's user id). */
  id: string;
  username: string;
  name: string;
  email: string | null;
  roles: RealmRole[];
  tenants: Tenant[];
  /** The client that obtained the token (`azp`). */
  clientId: string | null;
}

/** Optional display names by group path, e.g. from the realm file or Keycloak's admin API. */
export type TenantDirectory = ReadonlyMap<string, string>;

const TENANT_PREFIXES: ReadonlyArray<[prefix: string, kind: TenantKind]> = [
  ['/organizations/', 'organization'],
  ['/teams/', 'team'],
];

// One path segment below the prefix: `/organizations/acme-corp`, not `/organizations/acme/sub`.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function tenantFromGroupPath(path: string, directory?: TenantDirectory): Tenant | null {
  for (const [prefix, kind] of TENANT_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const slug = path.slice(prefix.length);
    if (!SEGMENT.test(slug)) return null;
    return { id: path, kind, name: directory?.get(path) ?? humanize(slug) };
  }
  return null;
}

function humanize(slug: string): string {
  return slug
    .split(/[-_.]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

function stringClaim(claims: Record<string, unknown>, key: string): string | null {
  const value = claims[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function realmRoles(claims: Record<string, unknown>): RealmRole[] {
  const access = claims['realm_access'];
  if (!access || typeof access !== 'object') return [];
  const roles = (access as { roles?: unknown }).roles;
  if (!Array.isArray(roles)) return [];
  return REALM_ROLES.filter((role) => roles.includes(role));
}

export class InvalidClaimsError extends Error {}

/**
 * Builds the principal from claims whose signature, issuer, audience and lifetime were already
 * verified. Throws InvalidClaimsError when the token has no subject.
 */
export function principalFromClaims(
  claims: Record<string, unknown>,
  directory?: TenantDirectory,
): Principal {
  const sub = stringClaim(claims, 'sub');
  if (!sub) throw new InvalidClaimsError('token has no subject (sub)');
  const username = stringClaim(claims, 'preferred_username') ?? sub;
  const name = stringClaim(claims, 'name') ?? username;

  const groups = Array.isArray(claims['groups']) ? claims['groups'] : [];
  const seen = new Set<string>();
  const tenants: Tenant[] = [];
  for (const path of groups) {
    if (typeof path !== 'string' || seen.has(path)) continue;
    const tenant = tenantFromGroupPath(path, directory);
    if (!tenant) continue;
    seen.add(path);
    tenants.push(tenant);
  }
  tenants.push({ id: sub, kind: 'personal', name: `${name} (personal)` });

  return {
    id: sub,
    username,
    name,
    email: stringClaim(claims, 'email'),
    roles: realmRoles(claims),
    tenants,
    clientId: stringClaim(claims, 'azp') ?? stringClaim(claims, 'client_id'),
  };
}

export function isTenantMember(principal: Principal, tenantId: string): boolean {
  return principal.tenants.some((tenant) => tenant.id === tenantId);
}

export function hasRole(principal: Principal, ...roles: RealmRole[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}
