/**
 * What Keycloak 26 creates on its own when it imports a realm file that declares no
 * `clientScopes` (which is why the realm file must not declare any): the default roles, the
 * `account` and `realm-management` client roles, and the default client scopes with their
 * protocol mappers. The development provider applies exactly these, so its tokens carry what a
 * real Keycloak would add for the same realm.
 *
 * Sources (keycloak/keycloak, 26.x):
 * - default roles: `RealmManager` (`default-roles-<realm>` composite of `offline_access`,
 *   `uma_authorization`, `account/view-profile`, `account/manage-account`);
 * - client roles: `RealmManager.setupAccountManagement`, `AdminRoles`, `AccountRoles`;
 * - default scopes and mappers: `OIDCLoginProtocolFactory` (`profile`, `email`, `roles`,
 *   `web-origins`, `acr`, `basic`; `service_account` for service-account clients).
 */
import type { ProtocolMapperRepresentation } from './realm-schema.ts';

export interface BuiltinRole {
  name: string;
  description: string;
  composites?: { realm?: string[]; client?: Record<string, string[]> };
}

export function defaultRoleName(realm: string): string {
  return `default-roles-${realm}`;
}

export function builtinRealmRoles(realm: string): BuiltinRole[] {
  return [
    {
      name: defaultRoleName(realm),
      description: '${role_default-roles}',
      composites: {
        realm: ['offline_access', 'uma_authorization'],
        client: { account: ['view-profile', 'manage-account'] },
      },
    },
    { name: 'offline_access', description: '${role_offline-access}' },
    { name: 'uma_authorization', description: '${role_uma_authorization}' },
  ];
}

/** Client roles of Keycloak's own clients, keyed by clientId. */
export const BUILTIN_CLIENT_ROLES: Readonly<Record<string, BuiltinRole[]>> = {
  account: [
    { name: 'view-profile', description: '${role_view-profile}' },
    { name: 'manage-account', description: '${role_manage-account}', composites: { client: { account: ['manage-account-links'] } } },
    { name: 'manage-account-links', description: '${role_manage-account-links}' },
    { name: 'view-applications', description: '${role_view-applications}' },
    { name: 'view-consent', description: '${role_view-consent}' },
    { name: 'manage-consent', description: '${role_manage-consent}', composites: { client: { account: ['view-consent'] } } },
    { name: 'view-groups', description: '${role_view-groups}' },
    { name: 'delete-account', description: '${role_delete-account}' },
  ],
  'realm-management': [
    ...['realm', 'users', 'clients', 'events', 'identity-providers', 'authorization'].flatMap((thing) => [
      {
        name: `view-${thing}`,
        description: `\${role_view-${thing}}`,
        ...(thing === 'users'
          ? { composites: { client: { 'realm-management': ['query-users', 'query-groups'] } } }
          : thing === 'clients'
            ? { composites: { client: { 'realm-management': ['query-clients'] } } }
            : {}),
      },
      { name: `manage-${thing}`, description: `\${role_manage-${thing}}` },
    ]),
    { name: 'query-users', description: '${role_query-users}' },
    { name: 'query-groups', description: '${role_query-groups}' },
    { name: 'query-clients', description: '${role_query-clients}' },
    { name: 'query-realms', description: '${role_query-realms}' },
    { name: 'create-client', description: '${role_create-client}' },
    { name: 'impersonation', description: '${role_impersonation}' },
    {
      name: 'realm-admin',
      description: '${role_realm-admin}',
      composites: {
        client: {
          'realm-management': [
            ...['realm', 'users', 'clients', 'events', 'identity-providers', 'authorization'].flatMap((thing) => [
              `view-${thing}`,
              `manage-${thing}`,
            ]),
            'query-users',
            'query-groups',
            'query-clients',
            'query-realms',
            'create-client',
            'impersonation',
          ],
        },
      },
    },
  ],
  broker: [{ name: 'read-token', description: '${role_read-token}' }],
};

/** Keycloak's own clients (they exist in every realm; the realm file does not declare them). */
export const BUILTIN_CLIENT_IDS = ['account', 'account-console', 'admin-cli', 'broker', 'realm-management', 'security-admin-console'] as const;

const FLAGS_ALL = {
  'id.token.claim': 'true',
  'access.token.claim': 'true',
  'userinfo.token.claim': 'true',
  'introspection.token.claim': 'true',
} as const;

function mapper(name: string, protocolMapper: string, config: Record<string, string>): ProtocolMapperRepresentation {
  return { name, protocol: 'openid-connect', protocolMapper, consentRequired: false, config };
}

function attribute(name: string, attr: string, claim: string, jsonType = 'String'): ProtocolMapperRepresentation {
  return mapper(name, 'oidc-usermodel-attribute-mapper', {
    'user.attribute': attr,
    'claim.name': claim,
    'jsonType.label': jsonType,
    ...FLAGS_ALL,
  });
}

export interface BuiltinClientScope {
  name: string;
  /** Keycloak's `include.in.token.scope`: whether the name appears in the token's `scope` claim. */
  includeInTokenScope: boolean;
  mappers: ProtocolMapperRepresentation[];
}

/** The realm's default client scopes, applied to every client whatever scope it requests. */
export const DEFAULT_CLIENT_SCOPES: readonly BuiltinClientScope[] = [
  {
    name: 'basic',
    includeInTokenScope: false,
    mappers: [
      mapper('sub', 'oidc-sub-mapper', { 'access.token.claim': 'true', 'introspection.token.claim': 'true' }),
      mapper('auth_time', 'oidc-usersessionmodel-note-mapper', {
        'user.session.note': 'AUTH_TIME',
        'claim.name': 'auth_time',
        'jsonType.label': 'long',
        'id.token.claim': 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
  {
    name: 'acr',
    includeInTokenScope: false,
    mappers: [
      mapper('acr loa level', 'oidc-acr-mapper', {
        'id.token.claim': 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
  {
    name: 'profile',
    includeInTokenScope: true,
    mappers: [
      mapper('full name', 'oidc-full-name-mapper', FLAGS_ALL),
      attribute('username', 'username', 'preferred_username'),
      attribute('given name', 'firstName', 'given_name'),
      attribute('family name', 'lastName', 'family_name'),
      attribute('middle name', 'middleName', 'middle_name'),
      attribute('nickname', 'nickname', 'nickname'),
      attribute('profile', 'profile', 'profile'),
      attribute('picture', 'picture', 'picture'),
      attribute('website', 'website', 'website'),
      attribute('gender', 'gender', 'gender'),
      attribute('birthdate', 'birthdate', 'birthdate'),
      attribute('zoneinfo', 'zoneinfo', 'zoneinfo'),
      attribute('locale', 'locale', 'locale'),
    ],
  },
  {
    name: 'email',
    includeInTokenScope: true,
    mappers: [
      attribute('email', 'email', 'email'),
      mapper('email verified', 'oidc-usermodel-property-mapper', {
        'user.attribute': 'emailVerified',
        'claim.name': 'email_verified',
        'jsonType.label': 'boolean',
        ...FLAGS_ALL,
      }),
    ],
  },
  {
    name: 'roles',
    includeInTokenScope: false,
    mappers: [
      mapper('realm roles', 'oidc-usermodel-realm-role-mapper', {
        'claim.name': 'realm_access.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
      mapper('client roles', 'oidc-usermodel-client-role-mapper', {
        'claim.name': 'resource_access.${client_id}.roles',
        'jsonType.label': 'String',
        multivalued: 'true',
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
      mapper('audience resolve', 'oidc-audience-resolve-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
  {
    name: 'web-origins',
    includeInTokenScope: false,
    mappers: [
      mapper('allowed web origins', 'oidc-allowed-origins-mapper', {
        'access.token.claim': 'true',
        'introspection.token.claim': 'true',
      }),
    ],
  },
];

/** Added as a default scope to clients with a service account (Keycloak 26 `service_account`). */
export const SERVICE_ACCOUNT_SCOPE: BuiltinClientScope = {
  name: 'service_account',
  includeInTokenScope: false,
  mappers: ['client_id', 'clientHost', 'clientAddress'].map((note) =>
    mapper(note === 'client_id' ? 'Client ID' : note, 'oidc-usersessionmodel-note-mapper', {
      'user.session.note': note,
      'claim.name': note,
      'jsonType.label': 'String',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'introspection.token.claim': 'true',
    }),
  ),
};

/** Optional client scopes every realm has; a client may request them by name. */
export const OPTIONAL_CLIENT_SCOPES: readonly BuiltinClientScope[] = [
  { name: 'offline_access', includeInTokenScope: true, mappers: [] },
  { name: 'address', includeInTokenScope: true, mappers: [] },
  { name: 'phone', includeInTokenScope: true, mappers: [] },
  { name: 'microprofile-jwt', includeInTokenScope: true, mappers: [] },
  { name: 'organization', includeInTokenScope: true, mappers: [] },
];

/** Mapper types the development provider implements; the realm lint allows only these. */
export const SUPPORTED_MAPPER_TYPES = [
  'oidc-group-membership-mapper',
  'oidc-usermodel-realm-role-mapper',
  'oidc-usermodel-client-role-mapper',
  'oidc-audience-mapper',
  'oidc-audience-resolve-mapper',
  'oidc-usermodel-attribute-mapper',
  'oidc-usermodel-property-mapper',
  'oidc-full-name-mapper',
  'oidc-hardcoded-claim-mapper',
  'oidc-allowed-origins-mapper',
  'oidc-acr-mapper',
  'oidc-sub-mapper',
  'oidc-usersessionmodel-note-mapper',
] as const;
