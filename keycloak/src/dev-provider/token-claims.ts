/**
 * Keycloak's protocol mappers, re-implemented for the development provider: given a user, a
 * client and the kind of token, returns the claims Keycloak 26 would put there for the same
 * realm file — the built-in default scopes (keycloak-builtins.ts) followed by the client's own
 * `protocolMappers`, each honouring its `*.token.claim` flags.
 *
 * Semantics follow keycloak/keycloak `services/.../protocol/oidc/mappers/*`:
 * `OIDCAttributeMapperHelper.mapClaim` (dotted claim names nest, `\.` escapes a dot,
 * `jsonType.label` converts, multivalued values are lists), `GroupMembershipMapper`,
 * `UserRealmRoleMappingMapper`, `UserClientRoleMappingMapper`, `AudienceProtocolMapper`,
 * `AudienceResolveProtocolMapper`, `AllowedWebOriginsProtocolMapper`.
 */
import {
  DEFAULT_CLIENT_SCOPES,
  OPTIONAL_CLIENT_SCOPES,
  SERVICE_ACCOUNT_SCOPE,
} from '../realm/keycloak-builtins.ts';
import type { ClientModel, RealmModel, UserModel } from '../realm/realm-model.ts';
import type { ProtocolMapperRepresentation } from '../realm/realm-schema.ts';

export type TokenUse = 'access' | 'id' | 'userinfo' | 'introspection';

const FLAG: Record<TokenUse, string> = {
  access: 'access.token.claim',
  id: 'id.token.claim',
  userinfo: 'userinfo.token.claim',
  introspection: 'introspection.token.claim',
};

export interface ClaimSubject {
  realm: RealmModel;
  user: UserModel;
  client: ClientModel;
  /** Keycloak user-session notes: `AUTH_TIME`; for service accounts `client_id`, `clientHost`, `clientAddress`. */
  sessionNotes: Readonly<Record<string, string | number | undefined>>;
  /** Authentication context class: "1" after a password login. */
  acr: string;
}

export type Claims = Record<string, unknown>;

/** The claims the mappers produce for one kind of token (no iss/exp/iat/jti/typ/azp/sid/scope). */
export function mapClaims(subject: ClaimSubject, use: TokenUse): Claims {
  const claims: Claims = {};
  const audiences: string[] = [];
  for (const mapper of mappersFor(subject)) {
    const config = mapper.config ?? {};
    if (mapper.protocolMapper === 'oidc-audience-resolve-mapper') {
      if (use === 'access' || use === 'introspection') {
        const roles = subject.realm.effectiveClientRoles(subject.user);
        for (const clientId of Object.keys(roles)) {
          if (clientId !== subject.client.clientId) audiences.push(clientId);
        }
      }
      continue;
    }
    if (config[FLAG[use]] !== 'true') continue;
    if (mapper.protocolMapper === 'oidc-audience-mapper') {
      const audience = config['included.client.audience'] || config['included.custom.audience'];
      if (audience) audiences.push(audience);
      continue;
    }
    applyMapper(mapper, subject, claims);
  }
  const aud = [...new Set(audiences)];
  if (aud.length > 0 && use !== 'id') claims['aud'] = aud.length === 1 ? aud[0] : aud;
  return claims;
}

/** Keycloak's `scope` claim: `openid` if requested, requested optional scopes, and the default scopes shown in tokens. */
export function keycloakTokenScope(requested: Iterable<string>): string {
  const asked = new Set(requested);
  const scopes = new Set<string>();
  for (const scope of OPTIONAL_CLIENT_SCOPES) if (scope.includeInTokenScope && asked.has(scope.name)) scopes.add(scope.name);
  for (const scope of DEFAULT_CLIENT_SCOPES) if (scope.includeInTokenScope) scopes.add(scope.name);
  return [...(asked.has('openid') ? ['openid'] : []), ...[...scopes].sort()].join(' ');
}

/** Every top-level claim name the mappers of this realm can produce (for oidc-provider's claim list). */
export function possibleClaimNames(realm: RealmModel): string[] {
  const names = new Set<string>(['sub', 'aud']);
  const mappers = [
    ...DEFAULT_CLIENT_SCOPES.flatMap((scope) => scope.mappers),
    ...SERVICE_ACCOUNT_SCOPE.mappers,
    ...[...realm.clients.values()].flatMap((client) => client.protocolMappers),
  ];
  for (const mapper of mappers) {
    const claimName = mapper.config?.['claim.name'];
    if (claimName) names.add(splitClaimName(claimName)[0]!);
  }
  names.add('name');
  names.add('acr');
  names.add('allowed-origins');
  return [...names];
}

function mappersFor(subject: ClaimSubject): ProtocolMapperRepresentation[] {
  const scopes = [...DEFAULT_CLIENT_SCOPES];
  if (subject.client.serviceAccountsEnabled) scopes.push(SERVICE_ACCOUNT_SCOPE);
  return [...scopes.flatMap((scope) => scope.mappers), ...subject.client.protocolMappers];
}

function applyMapper(mapper: ProtocolMapperRepresentation, subject: ClaimSubject, claims: Claims): void {
  const config = mapper.config ?? {};
  const { realm, user, client } = subject;
  const claimName = config['claim.name'];
  const set = (value: unknown): void => {
    if (claimName) setClaim(claims, claimName, convert(value, config['jsonType.label'], config['multivalued'] === 'true'));
  };

  switch (mapper.protocolMapper) {
    case 'oidc-sub-mapper':
      claims['sub'] = user.id;
      return;
    case 'oidc-acr-mapper':
      claims['acr'] = subject.acr;
      return;
    case 'oidc-full-name-mapper': {
      const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
      if (name) claims['name'] = name;
      return;
    }
    case 'oidc-allowed-origins-mapper':
      if (client.webOrigins.length > 0) claims['allowed-origins'] = [...client.webOrigins];
      return;
    case 'oidc-usersessionmodel-note-mapper': {
      const value = subject.sessionNotes[config['user.session.note'] ?? ''];
      if (value !== undefined) set(value);
      return;
    }
    case 'oidc-usermodel-attribute-mapper':
    case 'oidc-usermodel-property-mapper': {
      const values = userAttribute(user, config['user.attribute'] ?? '');
      if (values.length > 0) set(config['multivalued'] === 'true' ? values : values[0]);
      return;
    }
    case 'oidc-hardcoded-claim-mapper':
      if (config['claim.value'] !== undefined) set(config['claim.value']);
      return;
    case 'oidc-group-membership-mapper': {
      const groups = realm.userGroups(user).map((group) => (config['full.path'] === 'true' ? group.path : group.name));
      if (groups.length > 0 && claimName) setClaim(claims, claimName, groups);
      return;
    }
    case 'oidc-usermodel-realm-role-mapper': {
      const prefix = config['usermodel.realmRoleMapping.rolePrefix'] ?? '';
      const roles = realm.effectiveRealmRoles(user).map((role) => prefix + role);
      if (roles.length > 0) set(roles);
      return;
    }
    case 'oidc-usermodel-client-role-mapper': {
      const only = config['usermodel.clientRoleMapping.clientId'];
      const prefix = config['usermodel.clientRoleMapping.rolePrefix'] ?? '';
      for (const [clientId, roles] of Object.entries(realm.effectiveClientRoles(user))) {
        if (only && only !== clientId) continue;
        if (!claimName || roles.length === 0) continue;
        setClaim(claims, claimName.replace('${client_id}', clientId), convert(roles.map((role) => prefix + role), config['jsonType.label'], true));
      }
      return;
    }
    default:
      // The realm lint refuses mapper types not handled here, so this is a programming error.
      throw new Error(`protocol mapper type ${mapper.protocolMapper} is not implemented by the development provider`);
  }
}

/** User attributes as Keycloak 26's user profile exposes them (built-in fields included). */
function userAttribute(user: UserModel, name: string): string[] {
  switch (name) {
    case 'username':
      return [user.username];
    case 'email':
      return user.email ? [user.email] : [];
    case 'firstName':
      return user.firstName ? [user.firstName] : [];
    case 'lastName':
      return user.lastName ? [user.lastName] : [];
    case 'emailVerified':
      return [String(user.emailVerified)];
    case 'enabled':
      return [String(user.enabled)];
    default:
      return user.attributes[name] ?? [];
  }
}

function convert(value: unknown, jsonType: string | undefined, multivalued: boolean): unknown {
  if (Array.isArray(value)) return multivalued ? value.map((item) => convertOne(item, jsonType)) : convertOne(value[0], jsonType);
  const converted = convertOne(value, jsonType);
  return multivalued ? [converted] : converted;
}

function convertOne(value: unknown, jsonType: string | undefined): unknown {
  switch (jsonType) {
    case 'boolean':
      return typeof value === 'boolean' ? value : String(value) === 'true';
    case 'long':
    case 'int': {
      const number = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(number) ? Math.trunc(number) : value;
    }
    case 'JSON':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** `realm_access.roles` → ["realm_access", "roles"]; `a\.b` is one name "a.b". */
export function splitClaimName(name: string): string[] {
  return name.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, '.'));
}

function setClaim(claims: Claims, name: string, value: unknown): void {
  const parts = splitClaimName(name);
  let target: Record<string, unknown> = claims;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  const last = parts.at(-1)!;
  const existing = target[last];
  // Two mappers writing one multivalued claim add up, as Keycloak merges list claims.
  target[last] = Array.isArray(existing) && Array.isArray(value) ? [...new Set([...existing, ...value])] : value;
}
