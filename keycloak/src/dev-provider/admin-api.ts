/**
 * The read-only subset of Keycloak's Admin REST API the orchestrator uses to read users,
 * groups and roles, with Keycloak's paths, query parameters, defaults and JSON shapes, so the
 * official `@keycloak/keycloak-admin-client` works unchanged against the development provider.
 *
 * Authorization as Keycloak does it: a bearer access token of this realm whose user (typically
 * a client's service account) holds `realm-management` roles — `query-users` / `view-users`
 * for users, `query-groups` / `view-users` for groups, `view-realm` for roles.
 * Paths and permissions: keycloak/keycloak `services/.../resources/admin/*Resource.java`.
 */
import { randomUUID } from 'node:crypto';

import { Hono, type Context } from 'hono';

import type { GroupModel, RealmModel, UserModel } from '../realm/realm-model.ts';
import { groupHierarchy, groupRepresentation, roleRepresentation, userRepresentation, type AdminRights } from './admin-representations.ts';
import { BearerTokenError, bearerToken, verifyAccessToken } from './bearer-token.ts';
import type { DevKeyStore } from './key-store.ts';

export interface AdminApiInput {
  realm: RealmModel;
  issuer: string;
  keys: DevKeyStore;
}

type Env = { Variables: { caller: UserModel; roles: Set<string> } };

class AdminError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 405;
  readonly details: string | undefined;

  constructor(status: 400 | 401 | 403 | 404 | 405, message: string, details?: string) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export function adminApi({ realm, issuer, keys }: AdminApiInput): Hono<Env> {
  // Keycloak (JAX-RS) ignores a trailing slash; the admin client sends one on collection paths.
  const app = new Hono<Env>({ strict: false });

  app.onError((error, c) => {
    const requestId = randomUUID();
    c.header('X-Request-Id', requestId);
    if (error instanceof AdminError) {
      if (error.status === 401) c.header('WWW-Authenticate', `Bearer realm="${realm.name}"`);
      return c.json({ error: error.message, ...(error.details ? { details: error.details } : {}), timestamp: new Date().toISOString(), requestId }, error.status);
    }
    throw error;
  });

  app.use('/admin/realms/:realm/*', async (c, next) => {
    if (c.req.param('realm') !== realm.name) throw new AdminError(404, 'Realm not found.');
    if (c.req.method !== 'GET') {
      throw new AdminError(405, 'HTTP 405 Method Not Allowed', "the development provider's admin API is read-only: change users and groups in the realm file or demo data");
    }
    let payload;
    try {
      const token = bearerToken(c.req.header('authorization'));
      if (!token) throw new BearerTokenError('invalid_request', 'no bearer token: authenticate with the client credentials of a service account');
      payload = await verifyAccessToken(token, { issuer, keys });
    } catch (error) {
      if (error instanceof BearerTokenError) throw new AdminError(401, 'HTTP 401 Unauthorized', error.message);
      throw error;
    }
    const caller = realm.user(payload.sub!);
    if (!caller?.enabled) throw new AdminError(401, 'HTTP 401 Unauthorized', 'the token belongs to no enabled user of this realm');
    c.set('caller', caller);
    c.set('roles', new Set(realm.effectiveClientRoles(caller)['realm-management'] ?? []));
    await next();
  });

  const require = (c: Context<Env>, ...anyOf: string[]): void => {
    const roles = c.get('roles');
    if (roles.has('realm-admin') || anyOf.some((role) => roles.has(role))) return;
    throw new AdminError(403, 'HTTP 403 Forbidden', `the caller needs one of the realm-management roles ${anyOf.join(', ')}`);
  };
  const rights = (c: Context<Env>): AdminRights => {
    const roles = c.get('roles');
    const admin = roles.has('realm-admin');
    return {
      viewUsers: admin || roles.has('view-users') || roles.has('manage-users'),
      manageUsers: admin || roles.has('manage-users'),
      impersonate: admin || roles.has('impersonation'),
    };
  };
  // By id, service accounts are users like any other; only listings and searches leave them out.
  const userById = (id: string): UserModel => {
    const user = realm.user(id);
    if (!user) throw new AdminError(404, 'User not found');
    return user;
  };
  const groupById = (id: string): GroupModel => {
    const group = realm.group(id);
    if (!group) throw new AdminError(404, 'Could not find group by id');
    return group;
  };

  const base = '/admin/realms/:realm';

  // --- users ------------------------------------------------------------------------------
  app.get(`${base}/users`, (c) => {
    require(c, 'query-users', 'view-users', 'manage-users');
    const users = filterUsers(realm, c);
    const { first, max } = page(c, 100);
    const brief = booleanParam(c, 'briefRepresentation') ?? false;
    return c.json(users.slice(first, first + max).map((user) => userRepresentation(user, { brief, rights: rights(c) })));
  });
  app.get(`${base}/users/count`, (c) => {
    require(c, 'query-users', 'view-users', 'manage-users');
    return c.json(filterUsers(realm, c).length);
  });
  app.get(`${base}/users/:id`, (c) => {
    require(c, 'view-users', 'manage-users');
    return c.json(userRepresentation(userById(c.req.param('id')), { brief: false, rights: rights(c) }));
  });
  app.get(`${base}/users/:id/groups`, (c) => {
    require(c, 'view-users', 'manage-users');
    const groups = searchGroups(realm.userGroups(userById(c.req.param('id'))), c);
    const { first, max } = page(c, Number.MAX_SAFE_INTEGER);
    const full = !(booleanParam(c, 'briefRepresentation') ?? true);
    return c.json(groups.slice(first, first + max).map((group) => groupRepresentation(realm, group, { full, rights: rights(c) })));
  });
  app.get(`${base}/users/:id/groups/count`, (c) => {
    require(c, 'view-users', 'manage-users');
    return c.json({ count: searchGroups(realm.userGroups(userById(c.req.param('id'))), c).length });
  });
  app.get(`${base}/users/:id/role-mappings`, (c) => {
    require(c, 'view-users', 'manage-users');
    const user = userById(c.req.param('id'));
    const clientMappings = Object.fromEntries(
      Object.entries(user.clientRoles).map(([clientId, names]) => [
        clientId,
        {
          id: realm.clientUuid(clientId),
          client: clientId,
          mappings: names.flatMap((name) => {
            const role = realm.clientRoles.get(clientId)?.get(name);
            return role ? [roleRepresentation(realm, role)] : [];
          }),
        },
      ]),
    );
    return c.json({
      realmMappings: realm.directRealmRoles(user).map((role) => roleRepresentation(realm, role)),
      ...(Object.keys(clientMappings).length > 0 ? { clientMappings } : {}),
    });
  });
  app.get(`${base}/users/:id/role-mappings/realm`, (c) => {
    require(c, 'view-users', 'manage-users');
    return c.json(realm.directRealmRoles(userById(c.req.param('id'))).map((role) => roleRepresentation(realm, role)));
  });
  app.get(`${base}/users/:id/role-mappings/realm/composite`, (c) => {
    require(c, 'view-users', 'manage-users');
    const names = realm.effectiveRealmRoles(userById(c.req.param('id')));
    const brief = booleanParam(c, 'briefRepresentation') ?? true;
    return c.json(names.flatMap((name) => {
      const role = realm.realmRoles.get(name);
      return role ? [roleRepresentation(realm, role, brief)] : [];
    }));
  });

  // --- groups -----------------------------------------------------------------------------
  app.get(`${base}/groups`, (c) => {
    require(c, 'query-groups', 'view-users', 'manage-users');
    const search = c.req.query('search');
    const brief = booleanParam(c, 'briefRepresentation') ?? true;
    const { first, max } = page(c, Number.MAX_SAFE_INTEGER);
    const tops = realm.topLevelGroups();
    if (search === undefined || search === '') {
      return c.json(tops.slice(first, first + max).map((group) => groupRepresentation(realm, group, { full: !brief, rights: rights(c) })));
    }
    // A search returns the top-level groups leading to matches, with the path to each match.
    const matches = searchGroups(realm.groups, c);
    const keep = new Set<string>();
    for (const match of matches) {
      for (let group: GroupModel | undefined = match; group; group = group.parentId ? realm.group(group.parentId) : undefined) keep.add(group.id);
    }
    const render = (group: GroupModel): Record<string, unknown> =>
      groupRepresentation(realm, group, {
        full: !brief,
        rights: rights(c),
        subGroups: realm.children(group).filter((child) => keep.has(child.id)).map(render),
      });
    return c.json(tops.filter((group) => keep.has(group.id)).slice(first, first + max).map(render));
  });
  app.get(`${base}/groups/count`, (c) => {
    require(c, 'query-groups', 'view-users', 'manage-users');
    const top = booleanParam(c, 'top') ?? false;
    const groups = c.req.query('search') ? searchGroups(realm.groups, c) : top ? realm.topLevelGroups() : realm.groups;
    return c.json({ count: groups.length });
  });
  app.get(`${base}/groups/:id`, (c) => {
    require(c, 'view-users', 'manage-users');
    return c.json(groupRepresentation(realm, groupById(c.req.param('id')), { full: true, rights: rights(c) }));
  });
  app.get(`${base}/groups/:id/children`, (c) => {
    require(c, 'view-users', 'manage-users');
    const children = searchGroups(realm.children(groupById(c.req.param('id'))), c);
    // Keycloak 26 returns at most 10 children unless `max` says otherwise.
    const { first, max } = page(c, 10);
    const full = !(booleanParam(c, 'briefRepresentation') ?? false);
    return c.json(children.slice(first, first + max).map((group) => groupRepresentation(realm, group, { full, rights: rights(c) })));
  });
  app.get(`${base}/groups/:id/members`, (c) => {
    require(c, 'view-users', 'manage-users');
    const members = realm.members(groupById(c.req.param('id')));
    const { first, max } = page(c, 100);
    const brief = booleanParam(c, 'briefRepresentation') ?? false;
    return c.json(members.slice(first, first + max).map((user) => userRepresentation(user, { brief, rights: rights(c) })));
  });
  app.get(`${base}/group-by-path/*`, (c) => {
    require(c, 'view-users', 'manage-users');
    // The admin client sends the path as one percent-encoded segment (`organizations%2Facme-corp`).
    const raw = new URL(c.req.url).pathname.split('/group-by-path/')[1] ?? '';
    const group = realm.groupByPath(decodeURIComponent(raw));
    if (!group) throw new AdminError(404, 'Group path does not exist');
    return c.json(groupHierarchy(realm, group, rights(c)));
  });

  // --- realm roles ------------------------------------------------------------------------
  app.get(`${base}/roles`, (c) => {
    require(c, 'view-realm', 'manage-realm', 'view-users', 'manage-users');
    const search = c.req.query('search')?.toLowerCase() ?? '';
    const brief = booleanParam(c, 'briefRepresentation') ?? true;
    const { first, max } = page(c, Number.MAX_SAFE_INTEGER);
    const roles = [...realm.realmRoles.values()].filter((role) => role.name.toLowerCase().includes(search));
    return c.json(roles.slice(first, first + max).map((role) => roleRepresentation(realm, role, brief)));
  });
  app.get(`${base}/roles/:name`, (c) => {
    require(c, 'view-realm', 'manage-realm', 'view-users', 'manage-users');
    const role = realm.realmRoles.get(c.req.param('name'));
    if (!role) throw new AdminError(404, 'Could not find role');
    return c.json(roleRepresentation(realm, role));
  });
  app.get(`${base}/roles/:name/users`, (c) => {
    require(c, 'view-users', 'manage-users');
    const name = c.req.param('name');
    if (!realm.realmRoles.has(name)) throw new AdminError(404, 'Could not find role');
    const { first, max } = page(c, 100);
    const brief = booleanParam(c, 'briefRepresentation') ?? true;
    const users = realm.users.filter((user) => !user.serviceAccountClientId && user.realmRoles.includes(name));
    return c.json(users.slice(first, first + max).map((user) => userRepresentation(user, { brief, rights: rights(c) })));
  });

  app.all(`${base}/*`, (c) => {
    throw new AdminError(404, 'HTTP 404 Not Found', `${c.req.method} ${new URL(c.req.url).pathname} is not part of the development provider's admin API subset (users, groups, group-by-path, roles)`);
  });

  return app;
}

function integerParam(c: Context, name: string): number | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new AdminError(400, `Query parameter "${name}" must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function booleanParam(c: Context, name: string): boolean | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw new AdminError(400, `Query parameter "${name}" must be "true" or "false", got "${value}"`);
  return value === 'true';
}

function page(c: Context, defaultMax: number): { first: number; max: number } {
  return { first: integerParam(c, 'first') ?? 0, max: integerParam(c, 'max') ?? defaultMax };
}

/**
 * Keycloak's user search: `search` looks in username, e-mail, first and last name — prefix match
 * by default, `*foo*` infix, `"foo"` exact; `username`, `email`, `firstName`, `lastName` are
 * infix matches unless `exact=true`. Service accounts are never listed.
 */
function filterUsers(realm: RealmModel, c: Context): UserModel[] {
  const exact = booleanParam(c, 'exact') ?? false;
  const enabled = booleanParam(c, 'enabled');
  const emailVerified = booleanParam(c, 'emailVerified');
  const search = c.req.query('search');
  const fields = { username: c.req.query('username'), email: c.req.query('email'), firstName: c.req.query('firstName'), lastName: c.req.query('lastName') };
  const matchSearch = search ? searchMatcher(search) : undefined;
  return realm.users.filter((user) => {
    if (user.serviceAccountClientId) return false;
    if (enabled !== undefined && user.enabled !== enabled) return false;
    if (emailVerified !== undefined && user.emailVerified !== emailVerified) return false;
    for (const [field, wanted] of Object.entries(fields)) {
      if (!wanted) continue;
      const actual = (user[field as keyof typeof fields] ?? '').toLowerCase();
      if (exact ? actual !== wanted.toLowerCase() : !actual.includes(wanted.toLowerCase())) return false;
    }
    if (matchSearch && ![user.username, user.email, user.firstName, user.lastName].some((value) => value !== undefined && matchSearch(value))) return false;
    return true;
  });
}

function searchMatcher(search: string): (value: string) => boolean {
  const term = search.trim().toLowerCase();
  if (term.length > 1 && term.startsWith('"') && term.endsWith('"')) {
    const exact = term.slice(1, -1);
    return (value) => value.toLowerCase() === exact;
  }
  if (term.startsWith('*')) {
    const inner = term.replace(/^\*+|\*+$/g, '');
    return (value) => value.toLowerCase().includes(inner);
  }
  const prefix = term.replace(/\*+$/, '');
  return (value) => value.toLowerCase().startsWith(prefix);
}

/** Group name search: infix and case-insensitive, or exact with `exact=true`. */
function searchGroups(groups: GroupModel[], c: Context): GroupModel[] {
  const search = c.req.query('search')?.toLowerCase();
  if (!search) return groups;
  const exact = booleanParam(c, 'exact') ?? false;
  return groups.filter((group) => (exact ? group.name.toLowerCase() === search : group.name.toLowerCase().includes(search)));
}
