/**
 * An in-memory view of a resolved realm file, shaped the way Keycloak holds it after import:
 * groups with full paths, users with their effective roles, clients with their resolved URIs.
 * The development provider reads users, groups and clients only through this model.
 */
import { BUILTIN_CLIENT_ROLES, builtinRealmRoles } from './keycloak-builtins.ts';
import { postLogoutRedirectUris, resolveWebOrigins } from './redirect-uris.ts';
import type {
  ClientRepresentation,
  GroupRepresentation,
  ProtocolMapperRepresentation,
  RealmRepresentation,
  UserRepresentation,
} from './realm-schema.ts';
import { RealmFileError } from './realm-schema.ts';
import { stableId } from './stable-id.ts';

export interface RoleModel {
  id: string;
  name: string;
  description: string | undefined;
  /** Role container: the realm name for realm roles, the clientId for client roles. */
  container: string;
  clientRole: boolean;
  composites: { realm: string[]; client: Record<string, string[]> };
}

export interface GroupModel {
  id: string;
  name: string;
  path: string;
  parentId: string | undefined;
  description: string | undefined;
  attributes: Record<string, string[]>;
  realmRoles: string[];
  clientRoles: Record<string, string[]>;
  childIds: string[];
}

export interface UserModel {
  id: string;
  username: string;
  enabled: boolean;
  email: string | undefined;
  emailVerified: boolean;
  firstName: string | undefined;
  lastName: string | undefined;
  createdTimestamp: number;
  attributes: Record<string, string[]>;
  requiredActions: string[];
  /** The plain-text password from the realm file's `password` credential, if any. */
  password: string | undefined;
  realmRoles: string[];
  clientRoles: Record<string, string[]>;
  groupIds: string[];
  serviceAccountClientId: string | undefined;
}

export interface ClientModel {
  id: string;
  clientId: string;
  name: string | undefined;
  enabled: boolean;
  publicClient: boolean;
  secret: string | undefined;
  standardFlowEnabled: boolean;
  serviceAccountsEnabled: boolean;
  useRefreshTokens: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Resolved origins (`+` expanded); may contain `*`. */
  webOrigins: string[];
  pkceMethod: string | undefined;
  accessTokenLifespan: number | undefined;
  backchannelLogoutUrl: string | undefined;
  protocolMappers: ProtocolMapperRepresentation[];
}

export interface RealmSettings {
  accessTokenLifespan: number;
  accessCodeLifespan: number;
  accessCodeLifespanLogin: number;
  ssoSessionIdleTimeout: number;
  ssoSessionMaxLifespan: number;
  revokeRefreshToken: boolean;
  loginWithEmailAllowed: boolean;
}

/** A role as the realm file or Keycloak's built-ins describe it. */
type RoleInput = {
  name: string;
  description?: string | undefined;
  composites?: { realm?: string[] | undefined; client?: Record<string, string[]> | undefined } | undefined;
};

/** Keycloak's defaults for settings a realm file leaves out. */
const DEFAULT_SETTINGS: RealmSettings = {
  accessTokenLifespan: 300,
  accessCodeLifespan: 60,
  accessCodeLifespanLogin: 1800,
  ssoSessionIdleTimeout: 1800,
  ssoSessionMaxLifespan: 36000,
  revokeRefreshToken: false,
  loginWithEmailAllowed: true,
};

export class RealmModel {
  readonly name: string;
  readonly id: string;
  readonly displayName: string;
  readonly settings: RealmSettings;
  readonly realmRoles = new Map<string, RoleModel>();
  /** Client roles by clientId, then role name. Includes Keycloak's own clients. */
  readonly clientRoles = new Map<string, Map<string, RoleModel>>();
  readonly groups: GroupModel[] = [];
  readonly users: UserModel[] = [];
  readonly clients = new Map<string, ClientModel>();

  readonly #groupsById = new Map<string, GroupModel>();
  readonly #groupsByPath = new Map<string, GroupModel>();
  readonly #usersById = new Map<string, UserModel>();
  readonly #usersByUsername = new Map<string, UserModel>();
  readonly #usersByEmail = new Map<string, UserModel>();

  constructor(rep: RealmRepresentation, options: { createdTimestamp?: number } = {}) {
    this.name = rep.realm;
    this.id = rep.id ?? stableId('realm', rep.realm);
    this.displayName = rep.displayName ?? rep.realm;
    this.settings = {
      accessTokenLifespan: rep.accessTokenLifespan ?? DEFAULT_SETTINGS.accessTokenLifespan,
      accessCodeLifespan: rep.accessCodeLifespan ?? DEFAULT_SETTINGS.accessCodeLifespan,
      accessCodeLifespanLogin: rep.accessCodeLifespanLogin ?? DEFAULT_SETTINGS.accessCodeLifespanLogin,
      ssoSessionIdleTimeout: rep.ssoSessionIdleTimeout ?? DEFAULT_SETTINGS.ssoSessionIdleTimeout,
      ssoSessionMaxLifespan: rep.ssoSessionMaxLifespan ?? DEFAULT_SETTINGS.ssoSessionMaxLifespan,
      revokeRefreshToken: rep.revokeRefreshToken ?? DEFAULT_SETTINGS.revokeRefreshToken,
      loginWithEmailAllowed: rep.loginWithEmailAllowed ?? DEFAULT_SETTINGS.loginWithEmailAllowed,
    };

    this.#addRoles(rep);
    for (const group of rep.groups ?? []) this.#addGroup(group, undefined);
    for (const client of rep.clients ?? []) this.#addClient(client);
    const created = options.createdTimestamp ?? Date.now();
    for (const user of rep.users ?? []) this.#addUser(user, created);
  }

  group(id: string): GroupModel | undefined {
    return this.#groupsById.get(id);
  }

  /** Accepts `/organizations/acme-corp` or `organizations/acme-corp`, as Keycloak's group-by-path does. */
  groupByPath(path: string): GroupModel | undefined {
    return this.#groupsByPath.get(path.startsWith('/') ? path : `/${path}`);
  }

  topLevelGroups(): GroupModel[] {
    return this.groups.filter((group) => group.parentId === undefined);
  }

  children(group: GroupModel): GroupModel[] {
    return group.childIds.map((id) => this.#groupsById.get(id)!);
  }

  /** The internal id of a client (Keycloak's `id`, not its `clientId`), Keycloak's own clients included. */
  clientUuid(clientId: string): string {
    return this.clients.get(clientId)?.id ?? stableId('client', this.name, clientId);
  }

  user(id: string): UserModel | undefined {
    return this.#usersById.get(id);
  }

  /** Usernames are case-insensitive in Keycloak; so is e-mail when login with e-mail is allowed. */
  userByLogin(login: string): UserModel | undefined {
    const key = login.trim().toLowerCase();
    return (
      this.#usersByUsername.get(key) ??
      (this.settings.loginWithEmailAllowed ? this.#usersByEmail.get(key) : undefined)
    );
  }

  serviceAccountOf(clientId: string): UserModel | undefined {
    return this.users.find((user) => user.serviceAccountClientId === clientId);
  }

  /** Direct members only, as Keycloak's `/groups/{id}/members`. */
  members(group: GroupModel): UserModel[] {
    return this.users.filter((user) => user.groupIds.includes(group.id));
  }

  userGroups(user: UserModel): GroupModel[] {
    return user.groupIds.map((id) => this.#groupsById.get(id)!);
  }

  /** Direct realm role mappings of the user (what `/users/{id}/role-mappings/realm` lists). */
  directRealmRoles(user: UserModel): RoleModel[] {
    return user.realmRoles.map((name) => this.realmRoles.get(name)!);
  }

  /**
   * Effective realm roles: direct mappings, mappings of the user's groups and their ancestors,
   * then composites expanded, in a stable order (first seen first).
   */
  effectiveRealmRoles(user: UserModel): string[] {
    return this.#effectiveRoles(user).realm;
  }

  /** Effective client roles by clientId (only clients the user has a role in). */
  effectiveClientRoles(user: UserModel): Record<string, string[]> {
    return this.#effectiveRoles(user).client;
  }

  #effectiveRoles(user: UserModel): { realm: string[]; client: Record<string, string[]> } {
    const realm = new Set<string>();
    const client = new Map<string, Set<string>>();
    const pending: Array<[container: string | null, name: string]> = [];
    const grant = (realmRoles: string[], clientRoles: Record<string, string[]>): void => {
      for (const name of realmRoles) pending.push([null, name]);
      for (const [clientId, names] of Object.entries(clientRoles)) {
        for (const name of names) pending.push([clientId, name]);
      }
    };
    grant(user.realmRoles, user.clientRoles);
    for (const groupId of user.groupIds) {
      for (let group = this.#groupsById.get(groupId); group; group = group.parentId ? this.#groupsById.get(group.parentId) : undefined) {
        grant(group.realmRoles, group.clientRoles);
      }
    }
    while (pending.length > 0) {
      const [container, name] = pending.shift()!;
      let role: RoleModel | undefined;
      if (container === null) {
        if (realm.has(name)) continue;
        realm.add(name);
        role = this.realmRoles.get(name);
      } else {
        const names = client.get(container) ?? new Set<string>();
        if (names.has(name)) continue;
        names.add(name);
        client.set(container, names);
        role = this.clientRoles.get(container)?.get(name);
      }
      if (role) grant(role.composites.realm, role.composites.client);
    }
    return {
      realm: [...realm],
      client: Object.fromEntries([...client].map(([clientId, names]) => [clientId, [...names]])),
    };
  }

  #addRoles(rep: RealmRepresentation): void {
    const realmRole = (role: RoleInput, id?: string): RoleModel => ({
      id: id ?? stableId('role', this.name, role.name),
      name: role.name,
      description: role.description,
      container: this.name,
      clientRole: false,
      composites: { realm: role.composites?.realm ?? [], client: role.composites?.client ?? {} },
    });
    for (const role of builtinRealmRoles(this.name)) this.realmRoles.set(role.name, realmRole(role));
    for (const role of rep.roles?.realm ?? []) this.realmRoles.set(role.name, realmRole(role, role.id));

    const addClientRole = (clientId: string, role: RoleInput): void => {
      const roles = this.clientRoles.get(clientId) ?? new Map<string, RoleModel>();
      roles.set(role.name, {
        id: stableId('client-role', this.name, clientId, role.name),
        name: role.name,
        description: role.description,
        container: clientId,
        clientRole: true,
        composites: { realm: role.composites?.realm ?? [], client: role.composites?.client ?? {} },
      });
      this.clientRoles.set(clientId, roles);
    };
    for (const [clientId, roles] of Object.entries(BUILTIN_CLIENT_ROLES)) {
      for (const role of roles) addClientRole(clientId, role);
    }
    for (const [clientId, roles] of Object.entries(rep.roles?.client ?? {})) {
      for (const role of roles) addClientRole(clientId, role);
    }
  }

  #addGroup(rep: GroupRepresentation, parent: GroupModel | undefined): void {
    const path = `${parent?.path ?? ''}/${rep.name}`;
    if (this.#groupsByPath.has(path)) throw new RealmFileError(`group ${path} is declared twice`);
    const group: GroupModel = {
      id: rep.id ?? stableId('group', this.name, path),
      name: rep.name,
      path,
      parentId: parent?.id,
      description: rep.description,
      attributes: rep.attributes ?? {},
      realmRoles: rep.realmRoles ?? [],
      clientRoles: rep.clientRoles ?? {},
      childIds: [],
    };
    if (this.#groupsById.has(group.id)) throw new RealmFileError(`group id ${group.id} is used twice`);
    this.groups.push(group);
    this.#groupsById.set(group.id, group);
    this.#groupsByPath.set(path, group);
    parent?.childIds.push(group.id);
    for (const child of rep.subGroups ?? []) this.#addGroup(child, group);
  }

  #addClient(rep: ClientRepresentation): void {
    const attributes = rep.attributes ?? {};
    const redirectUris = rep.redirectUris ?? [];
    const lifespan = attributes['access.token.lifespan'];
    this.clients.set(rep.clientId, {
      id: rep.id ?? stableId('client', this.name, rep.clientId),
      clientId: rep.clientId,
      name: rep.name,
      enabled: rep.enabled ?? true,
      publicClient: rep.publicClient ?? false,
      secret: rep.secret,
      // Keycloak's defaults for a client that leaves these out.
      standardFlowEnabled: rep.standardFlowEnabled ?? true,
      serviceAccountsEnabled: rep.serviceAccountsEnabled ?? false,
      useRefreshTokens: attributes['use.refresh.tokens'] !== 'false',
      redirectUris,
      postLogoutRedirectUris: postLogoutRedirectUris(attributes['post.logout.redirect.uris'], redirectUris),
      webOrigins: resolveWebOrigins(rep.webOrigins ?? [], redirectUris),
      pkceMethod: attributes['pkce.code.challenge.method'] || undefined,
      accessTokenLifespan: lifespan ? Number(lifespan) : undefined,
      backchannelLogoutUrl: attributes['backchannel.logout.url'] || undefined,
      protocolMappers: rep.protocolMappers ?? [],
    });
  }

  #addUser(rep: UserRepresentation, createdTimestamp: number): void {
    const unknownRole = (rep.realmRoles ?? []).find((name) => !this.realmRoles.has(name));
    if (unknownRole) throw new RealmFileError(`user ${rep.username} has unknown realm role "${unknownRole}"`);
    const groupIds = (rep.groups ?? []).map((path) => {
      const group = this.groupByPath(path);
      if (!group) throw new RealmFileError(`user ${rep.username} is in unknown group "${path}"`);
      return group.id;
    });
    const user: UserModel = {
      id: rep.id ?? stableId('user', this.name, rep.username.toLowerCase()),
      username: rep.username.toLowerCase(),
      enabled: rep.enabled ?? false,
      email: rep.email?.toLowerCase(),
      emailVerified: rep.emailVerified ?? false,
      firstName: rep.firstName,
      lastName: rep.lastName,
      createdTimestamp: rep.createdTimestamp ?? createdTimestamp,
      attributes: rep.attributes ?? {},
      requiredActions: rep.requiredActions ?? [],
      password: rep.credentials?.find((credential) => credential.type === 'password')?.value,
      realmRoles: rep.realmRoles ?? [],
      clientRoles: rep.clientRoles ?? {},
      groupIds,
      serviceAccountClientId: rep.serviceAccountClientId,
    };
    if (this.#usersById.has(user.id)) throw new RealmFileError(`user id ${user.id} is used twice`);
    if (this.#usersByUsername.has(user.username)) throw new RealmFileError(`username ${user.username} is used twice`);
    this.users.push(user);
    this.#usersById.set(user.id, user);
    this.#usersByUsername.set(user.username, user);
    if (user.email) this.#usersByEmail.set(user.email, user);
  }
}
