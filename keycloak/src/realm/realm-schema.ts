/**
 * The subset of Keycloak's RealmRepresentation (the `--import-realm` JSON) that wrrk uses,
 * as zod schemas. Field names are Keycloak's own (keycloak/keycloak
 * `core/src/main/java/org/keycloak/representations/idm/*Representation.java`).
 *
 * Objects are "loose": unknown Keycloak fields pass through untouched, so the same file can
 * carry settings only real Keycloak cares about. Types are strict where Keycloak's Jackson
 * mapping is strict (attribute maps, mapper config) so that a file this schema accepts is one
 * Keycloak can import.
 */
import { z } from 'zod';

/** Keycloak stores user and group attributes as multi-valued: `{ "displayName": ["Acme Corp"] }`. */
export const AttributeMapSchema = z.record(z.string(), z.array(z.string()));

/** Client attributes and protocol-mapper config are `Map<String, String>` in Keycloak. */
export const StringMapSchema = z.record(z.string(), z.string());

export const RoleSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  composite: z.boolean().optional(),
  composites: z
    .looseObject({
      realm: z.array(z.string()).optional(),
      client: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  attributes: AttributeMapSchema.optional(),
});

export const GroupSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1),
  path: z.string().optional(),
  description: z.string().optional(),
  attributes: AttributeMapSchema.optional(),
  realmRoles: z.array(z.string()).optional(),
  clientRoles: z.record(z.string(), z.array(z.string())).optional(),
  get subGroups() {
    return z.array(GroupSchema).optional();
  },
});

export const CredentialSchema = z.looseObject({
  type: z.string(),
  value: z.string().optional(),
  temporary: z.boolean().optional(),
  hashedSaltedValue: z.string().optional(),
  secretData: z.string().optional(),
  credentialData: z.string().optional(),
});

export const UserSchema = z.looseObject({
  id: z.string().optional(),
  username: z.string().min(1),
  enabled: z.boolean().optional(),
  email: z.string().optional(),
  emailVerified: z.boolean().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  createdTimestamp: z.number().optional(),
  attributes: AttributeMapSchema.optional(),
  credentials: z.array(CredentialSchema).optional(),
  requiredActions: z.array(z.string()).optional(),
  realmRoles: z.array(z.string()).optional(),
  clientRoles: z.record(z.string(), z.array(z.string())).optional(),
  groups: z.array(z.string()).optional(),
  serviceAccountClientId: z.string().optional(),
});

export const ProtocolMapperSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().min(1),
  protocol: z.string(),
  protocolMapper: z.string(),
  consentRequired: z.boolean().optional(),
  config: StringMapSchema.optional(),
});

export const ClientSchema = z.looseObject({
  id: z.string().optional(),
  clientId: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  protocol: z.string().optional(),
  publicClient: z.boolean().optional(),
  bearerOnly: z.boolean().optional(),
  clientAuthenticatorType: z.string().optional(),
  secret: z.string().optional(),
  standardFlowEnabled: z.boolean().optional(),
  implicitFlowEnabled: z.boolean().optional(),
  directAccessGrantsEnabled: z.boolean().optional(),
  serviceAccountsEnabled: z.boolean().optional(),
  consentRequired: z.boolean().optional(),
  frontchannelLogout: z.boolean().optional(),
  fullScopeAllowed: z.boolean().optional(),
  rootUrl: z.string().optional(),
  baseUrl: z.string().optional(),
  redirectUris: z.array(z.string()).optional(),
  webOrigins: z.array(z.string()).optional(),
  attributes: StringMapSchema.optional(),
  protocolMappers: z.array(ProtocolMapperSchema).optional(),
  defaultClientScopes: z.array(z.string()).optional(),
  optionalClientScopes: z.array(z.string()).optional(),
});

export const RealmSchema = z.looseObject({
  id: z.string().optional(),
  realm: z.string().min(1),
  displayName: z.string().optional(),
  enabled: z.boolean().optional(),
  accessTokenLifespan: z.number().int().positive().optional(),
  accessCodeLifespan: z.number().int().positive().optional(),
  accessCodeLifespanLogin: z.number().int().positive().optional(),
  ssoSessionIdleTimeout: z.number().int().positive().optional(),
  ssoSessionMaxLifespan: z.number().int().positive().optional(),
  revokeRefreshToken: z.boolean().optional(),
  refreshTokenMaxReuse: z.number().int().nonnegative().optional(),
  loginWithEmailAllowed: z.boolean().optional(),
  bruteForceProtected: z.boolean().optional(),
  roles: z
    .looseObject({
      realm: z.array(RoleSchema).optional(),
      client: z.record(z.string(), z.array(RoleSchema)).optional(),
    })
    .optional(),
  groups: z.array(GroupSchema).optional(),
  users: z.array(UserSchema).optional(),
  clients: z.array(ClientSchema).optional(),
});

export type RoleRepresentation = z.infer<typeof RoleSchema>;
export type GroupRepresentation = z.infer<typeof GroupSchema>;
export type UserRepresentation = z.infer<typeof UserSchema>;
export type ProtocolMapperRepresentation = z.infer<typeof ProtocolMapperSchema>;
export type ClientRepresentation = z.infer<typeof ClientSchema>;
export type RealmRepresentation = z.infer<typeof RealmSchema>;

/**
 * Demo data kept apart from the production realm: extra groups (merged into the realm's tree
 * by name), extra users, and realm-level settings that differ for a demo (for example
 * `bruteForceProtected: false`, so nobody gets locked out of a demo silently).
 */
export const DemoDataSchema = z.looseObject({
  groups: z.array(GroupSchema).optional(),
  users: z.array(UserSchema).optional(),
});
export type DemoData = z.infer<typeof DemoDataSchema>;

export class RealmFileError extends Error {
  readonly file: string | undefined;

  constructor(message: string, file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'RealmFileError';
    this.file = file;
  }
}

/** Parses (already placeholder-resolved or raw) realm JSON; throws a readable RealmFileError. */
export function parseRealm(json: unknown, file?: string): RealmRepresentation {
  const result = RealmSchema.safeParse(json);
  if (!result.success) throw new RealmFileError(z.prettifyError(result.error), file);
  return result.data;
}

export function parseDemoData(json: unknown, file?: string): DemoData {
  const result = DemoDataSchema.safeParse(json);
  if (!result.success) throw new RealmFileError(z.prettifyError(result.error), file);
  return result.data;
}
