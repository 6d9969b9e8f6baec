import KcAdminClient from '@keycloak/keycloak-admin-client';
import { REALM_ROLES, type RealmRole } from '@wrrk/keycloak/principal.ts';
import type { Config } from '../config/env.ts';
import type { DirectoryUser, UserDirectory } from './user-directory.ts';

/**
 * UserDirectory over Keycloak's Admin REST API with the official admin client, authenticated
 * as the `orchestrator` client's service account (client credentials; the realm grants it
 * view-users, query-groups and view-realm). Works unchanged against real Keycloak and the
 * development provider, which serves the same subset of the admin API.
 *
 * Calls used: token (client credentials), `GET /groups`, `GET /groups/{id}/children`,
 * `GET /group-by-path/{path}`, `GET /groups/{id}/members`,
 * `GET /users/{id}/role-mappings/realm/composite`, `GET /users?username=&exact=true`.
 */
export interface KeycloakDirectoryOptions {
  /** Keycloak's base URL (no `/realms/…`), e.g. `http://keycloak:8080`. */
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  /** Tenant parents: the top-level groups whose children are tenants. */
  tenantParents?: readonly string[];
  pageSize?: number;
  /** Parallel role lookups per listing (one admin call per member). */
  concurrency?: number;
  timeoutMs?: number;
}

interface KeycloakUser {
  id?: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
}

interface KeycloakGroup {
  id?: string;
  name?: string;
  path?: string;
  attributes?: Record<string, string[]>;
}

/** `http://host/realms/wrrk` → base `http://host` and realm `wrrk` (Keycloak's URL layout). */
export function keycloakFromIssuer(issuer: string): { baseUrl: string; realm: string } {
  const url = new URL(issuer);
  const match = /^(.*)\/realms\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) throw new Error(`OIDC_ISSUER ${issuer} is not a Keycloak realm URL (…/realms/<realm>)`);
  return { baseUrl: `${url.origin}${match[1]}`, realm: decodeURIComponent(match[2]!) };
}

export function displayName(user: KeycloakUser): string {
  const full = [user.firstName, user.lastName].filter((part) => part && part.trim()).join(' ').trim();
  return full || user.username || user.id || 'unknown';
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export function createKeycloakDirectory(options: KeycloakDirectoryOptions): UserDirectory {
  const pageSize = options.pageSize ?? 100;
  const parents = options.tenantParents ?? ['organizations', 'teams'];
  const connection = { baseUrl: options.baseUrl.replace(/\/+$/, ''), realmName: options.realm, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) };
  const admin = new KcAdminClient(connection);
  // Client-credentials tokens have no refresh token: get a new one shortly before expiry.
  const auth = new KcAdminClient(connection);
  let pending: Promise<void> | null = null;
  admin.registerTokenProvider({
    async getAccessToken() {
      if (!auth.accessToken || auth.isTokenExpired()) {
        pending ??= auth.auth({ grantType: 'client_credentials', clientId: options.clientId, clientSecret: options.clientSecret }).finally(() => {
          pending = null;
        });
        await pending;
      }
      return auth.accessToken;
    },
  });

  async function rolesOf(userId: string): Promise<RealmRole[]> {
    // Composite: roles granted through groups and composite roles count, as in the token.
    const mappings = await admin.users.listCompositeRealmRoleMappings({ id: userId });
    const names = new Set(mappings.map((role) => role.name));
    return REALM_ROLES.filter((role) => names.has(role));
  }

  async function toDirectoryUser(user: KeycloakUser): Promise<DirectoryUser> {
    const id = user.id!;
    return {
      id,
      username: user.username ?? id,
      email: user.email ?? null,
      firstName: user.firstName ?? null,
      lastName: user.lastName ?? null,
      name: displayName(user),
      enabled: user.enabled !== false,
      roles: await rolesOf(id),
    };
  }

  return {
    async listTenantMembers(tenantId) {
      // A personal tenant (a user id) or a deleted group has no members to provision.
      if (!parents.some((parent) => tenantId.startsWith(`/${parent}/`))) return [];
      const group = (await admin.realms.getGroupByPath({ realm: options.realm, path: tenantId.replace(/^\/+/, '') }, { catchNotFound: true })) as KeycloakGroup | undefined | null;
      if (!group?.id) return [];
      const members: KeycloakUser[] = [];
      for (let first = 0; ; first += pageSize) {
        const page = (await admin.groups.listMembers({ id: group.id, first, max: pageSize, briefRepresentation: false })) as KeycloakUser[];
        members.push(...page);
        if (page.length < pageSize) break;
      }
      return mapLimited(members.filter((m) => m.id), options.concurrency ?? 8, toDirectoryUser);
    },
    async listTenants() {
      const roots = (await admin.groups.find({ briefRepresentation: false, max: 1000 })) as KeycloakGroup[];
      const tenants: Array<{ id: string; name: string }> = [];
      for (const root of roots) {
        if (!root.id || !root.name || !parents.includes(root.name)) continue;
        for (let first = 0; ; first += pageSize) {
          const children = (await admin.groups.listSubGroups({ parentId: root.id, first, max: pageSize, briefRepresentation: false })) as KeycloakGroup[];
          for (const child of children) {
            if (!child.name) continue;
            tenants.push({ id: child.path ?? `/${root.name}/${child.name}`, name: child.attributes?.['displayName']?.[0] ?? child.name });
          }
          if (children.length < pageSize) break;
        }
      }
      return tenants;
    },
    async findUserByUsername(username) {
      const [user] = (await admin.users.find({ username, exact: true, briefRepresentation: false })) as KeycloakUser[];
      return user?.id ? toDirectoryUser(user) : null;
    },
  };
}

/**
 * The directory from the orchestrator's configuration: Keycloak at OIDC_ISSUER's origin (or
 * KEYCLOAK_ADMIN_URL when the admin API is reached on an internal address), as the
 * `OIDC_AUDIENCE` client (`orchestrator`) with ORCHESTRATOR_CLIENT_SECRET. Null without a secret.
 */
type DirectoryConfig = Pick<Config, 'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'ORCHESTRATOR_CLIENT_SECRET' | 'KEYCLOAK_ADMIN_URL'>;

// One directory (one admin client, one service-account token) per configuration, shared by
// every integration that provisions downward.
const directories = new WeakMap<DirectoryConfig, UserDirectory | null>();

export function createDirectoryFromConfig(config: DirectoryConfig): UserDirectory | null {
  if (directories.has(config)) return directories.get(config)!;
  const directory = buildDirectory(config);
  directories.set(config, directory);
  return directory;
}

function buildDirectory(config: DirectoryConfig): UserDirectory | null {
  if (!config.ORCHESTRATOR_CLIENT_SECRET) return null;
  const fromIssuer = keycloakFromIssuer(config.OIDC_ISSUER);
  return createKeycloakDirectory({
    baseUrl: config.KEYCLOAK_ADMIN_URL ?? fromIssuer.baseUrl,
    realm: fromIssuer.realm,
    clientId: config.OIDC_AUDIENCE,
    clientSecret: config.ORCHESTRATOR_CLIENT_SECRET,
    timeoutMs: 10_000,
  });
}
