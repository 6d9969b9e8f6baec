import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test double of the slice of Keycloak 26 that the directory uses: the token endpoint
 * (client credentials) and the Admin REST API reads for groups, members and realm role
 * mappings, at Keycloak's paths with Keycloak's JSON shapes (GroupRepresentation,
 * UserRepresentation, RoleRepresentation). Users and memberships are mutable so tests can add,
 * change and remove people.
 */
export interface DoubleKeycloakUser {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  roles: string[];
  groups: string[];
}

export async function startKeycloakAdminDouble(options: { realm?: string; clientId?: string; clientSecret?: string; tokenLifetimeSeconds?: number } = {}) {
  const realm = options.realm ?? 'wrrk';
  const clientId = options.clientId ?? 'orchestrator';
  const clientSecret = options.clientSecret ?? 'orchestrator-secret';
  const users = new Map<string, DoubleKeycloakUser>();
  type DoubleGroup = { id: string; name: string; path: string; parentId: string | null; displayName: string };
  const groups = new Map<string, DoubleGroup>();
  const tokens = new Set<string>();
  let tokenRequests = 0;
  let adminRequests = 0;

  const addGroup = (path: string, displayName?: string): DoubleGroup => {
    const existing = [...groups.values()].find((g) => g.path === path);
    if (existing) return existing;
    const parts = path.split('/').filter(Boolean);
    const parent = parts.length > 1 ? addGroup(`/${parts.slice(0, -1).join('/')}`) : null;
    const group: DoubleGroup = { id: randomUUID(), name: parts.at(-1)!, path, parentId: parent?.id ?? null, displayName: displayName ?? parts.at(-1)! };
    groups.set(group.id, group);
    return group;
  };
  addGroup('/organizations', 'Organizations');
  addGroup('/teams', 'Teams');

  const groupJson = (g: DoubleGroup) => ({
    id: g.id,
    name: g.name,
    path: g.path,
    ...(g.parentId ? { parentId: g.parentId } : {}),
    subGroupCount: [...groups.values()].filter((c) => c.parentId === g.id).length,
    subGroups: [],
    attributes: { displayName: [g.displayName] },
    realmRoles: [],
    clientRoles: {},
    access: { view: true, viewMembers: true, manageMembers: false, manage: false, manageMembership: false },
  });
  const userJson = (u: DoubleKeycloakUser) => ({
    id: u.id,
    username: u.username,
    ...(u.firstName ? { firstName: u.firstName } : {}),
    ...(u.lastName ? { lastName: u.lastName } : {}),
    ...(u.email ? { email: u.email } : {}),
    emailVerified: true,
    enabled: u.enabled ?? true,
    createdTimestamp: 1781691330000,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: [],
    notBefore: 0,
    access: { manage: false },
  });
  const fakeJwt = () => {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ exp: now + (options.tokenLifetimeSeconds ?? 300), iat: now, azp: clientId, jti: randomUUID() })}.c2ln`;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://keycloak');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'POST' && url.pathname === `/realms/${realm}/protocol/openid-connect/token`) {
      tokenRequests += 1;
      const form = new URLSearchParams(body);
      const basic = req.headers.authorization?.startsWith('Basic ') ? Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':') : [];
      const id = form.get('client_id') ?? decodeURIComponent(basic[0] ?? '');
      const secret = form.get('client_secret') ?? decodeURIComponent(basic[1] ?? '');
      if (form.get('grant_type') !== 'client_credentials' || id !== clientId || secret !== clientSecret) return send(401, { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
      const token = fakeJwt();
      tokens.add(token);
      return send(200, { access_token: token, expires_in: options.tokenLifetimeSeconds ?? 300, refresh_expires_in: 0, token_type: 'Bearer', 'not-before-policy': 0, scope: 'profile email' });
    }
    const prefix = `/admin/realms/${realm}`;
    if (!url.pathname.startsWith(prefix)) return send(404, { error: 'Not Found' });
    if (!tokens.has(req.headers.authorization?.replace(/^Bearer /, '') ?? '')) return send(401, { error: 'HTTP 401 Unauthorized' });
    adminRequests += 1;
    // Keycloak (JAX-RS) accepts a trailing slash, which the admin client sends on collection paths.
    const path = decodeURIComponent(url.pathname.slice(prefix.length)).replace(/(.)\/+$/, '$1');
    const first = Number(url.searchParams.get('first') ?? 0);
    const max = Number(url.searchParams.get('max') ?? 100);
    const page = <T>(items: T[]) => items.slice(first, first + max);
    let m: RegExpExecArray | null;
    if (path === '/groups') return send(200, page([...groups.values()].filter((g) => !g.parentId).map(groupJson)));
    if ((m = /^\/groups\/([^/]+)\/children$/.exec(path))) return send(200, page([...groups.values()].filter((g) => g.parentId === m![1]).map(groupJson)));
    if ((m = /^\/group-by-path\/(.+)$/.exec(path))) {
      const group = [...groups.values()].find((g) => g.path === `/${m![1]!.replace(/^\/+/, '')}`);
      return group ? send(200, groupJson(group)) : send(404, { error: 'Group path does not exist' });
    }
    if ((m = /^\/groups\/([^/]+)\/members$/.exec(path))) {
      const group = groups.get(m[1]!);
      if (!group) return send(404, { error: 'Could not find group by id' });
      return send(200, page([...users.values()].filter((u) => u.groups.includes(group.path)).sort((a, b) => a.username.localeCompare(b.username)).map(userJson)));
    }
    if ((m = /^\/users\/([^/]+)\/role-mappings\/realm\/composite$/.exec(path))) {
      const user = users.get(m[1]!);
      if (!user) return send(404, { error: 'User not found' });
      return send(200, ['default-roles-wrrk', 'offline_access', 'uma_authorization', ...user.roles].map((name) => ({ id: `role-${name}`, name, composite: name === 'default-roles-wrrk', clientRole: false, containerId: realm })));
    }
    if (path === '/users') {
      const username = url.searchParams.get('username');
      return send(200, page([...users.values()].filter((u) => !username || u.username === username).map(userJson)));
    }
    return send(404, { error: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    realm,
    clientId,
    clientSecret,
    issuer: `${baseUrl}/realms/${realm}`,
    addTenant: (path: string, displayName?: string) => addGroup(path, displayName),
    upsertUser(user: Omit<DoubleKeycloakUser, 'id'> & { id?: string }) {
      const id = user.id ?? randomUUID();
      const full = { ...user, id };
      for (const path of full.groups) addGroup(path);
      users.set(id, full);
      return full;
    },
    removeUser: (id: string) => users.delete(id),
    user: (id: string) => users.get(id),
    stats: () => ({ tokenRequests, adminRequests }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type KeycloakAdminDouble = Awaited<ReturnType<typeof startKeycloakAdminDouble>>;
