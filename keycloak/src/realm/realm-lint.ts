/**
 * Checks a realm file for what Keycloak 26 would reject at `--import-realm`, or import but
 * silently drop or get wrong, and for what wrrk relies on (tenant groups, clients, mappers).
 * Each finding names the JSON path and says what to change.
 *
 * Keycloak facts behind the rules (see ../shared/contracts/keycloak.md):
 * - any `clientScopes` array stops Keycloak from creating the built-in scopes (`profile`,
 *   `email`, `roles`, `basic`…): tokens lose `realm_access`, `sub`, e-mail and profile claims;
 * - protocol-mapper config and client attributes are string maps, and UI defaults are not
 *   applied on import: every flag must be an explicit `"true"`/`"false"` string;
 * - user and group attributes are lists of strings;
 * - imported users get no default roles unless `default-roles-<realm>` is listed;
 * - omitted booleans fall back to defaults that differ from the admin console's.
 */
import { REALM_ROLES, tenantFromGroupPath } from '../principal.ts';
import { BUILTIN_CLIENT_ROLES, defaultRoleName, SUPPORTED_MAPPER_TYPES } from './keycloak-builtins.ts';
import { findPlaceholders, isValidPlaceholderName, REALM_PLACEHOLDERS } from './placeholders.ts';
import { RealmSchema } from './realm-schema.ts';
import { UUID_PATTERN } from './stable-id.ts';

export interface LintFinding {
  /** JSON path of the offending value, e.g. `clients[0].protocolMappers[1].config`. */
  path: string;
  message: string;
}

export interface LintOptions {
  /** `production`: no people, only service accounts. `demo`: demo users allowed (with passwords). */
  kind: 'production' | 'demo';
}

/** Clients wrrk needs, and what each must look like. */
const SHELL = 'shell';
const DASHBOARD = 'wrrk-dashboard';
const ORCHESTRATOR = 'orchestrator';

const TOKEN_FLAGS = ['id.token.claim', 'access.token.claim', 'userinfo.token.claim', 'introspection.token.claim', 'lightweight.claim'];
/** The audience mapper has no userinfo flag in Keycloak. */
const AUDIENCE_FLAGS = ['id.token.claim', 'access.token.claim', 'introspection.token.claim', 'lightweight.claim'];
const EXPLICIT_CLIENT_FLAGS = [
  'enabled',
  'publicClient',
  'standardFlowEnabled',
  'implicitFlowEnabled',
  'directAccessGrantsEnabled',
  'serviceAccountsEnabled',
  'consentRequired',
  'frontchannelLogout',
];
/** Scope names a client may list: Keycloak's own (the realm file must not define scopes). */
const BUILTIN_SCOPE_NAMES = new Set(['acr', 'basic', 'email', 'profile', 'roles', 'web-origins', 'service_account', 'address', 'phone', 'offline_access', 'microprofile-jwt', 'organization']);

type Json = Record<string, unknown>;

export function lintRealm(input: unknown, options: LintOptions): LintFinding[] {
  const findings: LintFinding[] = [];
  const report = (path: string, message: string): void => {
    findings.push({ path, message });
  };

  const parsed = RealmSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path.join('.') || '(root)', issue.message);
    return findings;
  }
  const realm = input as Json;

  checkRealmSettings(realm, report);
  checkPlaceholders(realm, report);
  checkRoles(realm, report);
  const groupPaths = checkGroups(realm, report);
  const clientIds = checkClients(realm, report);
  checkUsers(realm, options, groupPaths, clientIds, report);
  return findings;
}

type Report = (path: string, message: string) => void;

function checkRealmSettings(realm: Json, report: Report): void {
  for (const key of ['clientScopes', 'defaultDefaultClientScopes', 'defaultOptionalClientScopes']) {
    if (key in realm) {
      report(key, `remove "${key}": declaring client scopes stops Keycloak from creating its built-in scopes (profile, email, roles, basic), so tokens lose sub, realm_access and profile claims; put mappers on the clients instead`);
    }
  }
  if (realm['realm'] !== 'wrrk') report('realm', 'the realm must be named "wrrk" (issuer …/realms/wrrk)');
  if (realm['enabled'] !== true) report('enabled', 'set "enabled": true explicitly (Keycloak imports an omitted flag as a disabled realm)');
  if (realm['sslRequired'] !== 'external') report('sslRequired', 'set "sslRequired": "external" (HTTPS for public addresses, plain HTTP on localhost and private networks)');
  if (realm['revokeRefreshToken'] !== true || realm['refreshTokenMaxReuse'] !== 0) {
    report('revokeRefreshToken', 'set "revokeRefreshToken": true and "refreshTokenMaxReuse": 0 so a used refresh token is rejected (rotation), as the development provider does');
  }
  if (realm['registrationAllowed'] !== false) report('registrationAllowed', 'set "registrationAllowed": false: users come from the realm, not self-service sign-up');
  for (const key of ['accessTokenLifespan', 'ssoSessionIdleTimeout', 'ssoSessionMaxLifespan']) {
    if (typeof realm[key] !== 'number') report(key, `set "${key}" explicitly (seconds) so Keycloak and the development provider use the same lifetime`);
  }
  if (typeof realm['bruteForceProtected'] !== 'boolean') report('bruteForceProtected', 'set "bruteForceProtected" explicitly');
}

function checkPlaceholders(realm: Json, report: Report): void {
  const used = findPlaceholders(realm);
  for (const name of used) {
    if (!isValidPlaceholderName(name)) report('(placeholders)', `placeholder \${${name}} is not an upper-case environment variable name`);
    else if (!(REALM_PLACEHOLDERS as readonly string[]).includes(name)) {
      report('(placeholders)', `placeholder \${${name}} is not listed in REALM_PLACEHOLDERS (placeholders.ts): list it there and set it on the Keycloak service in compose`);
    }
  }
  for (const name of REALM_PLACEHOLDERS) {
    if (!used.has(name)) report('(placeholders)', `REALM_PLACEHOLDERS lists \${${name}} but the realm never uses it`);
  }
}

function checkRoles(realm: Json, report: Report): void {
  const roles = ((realm['roles'] as Json | undefined)?.['realm'] ?? []) as Json[];
  const names = roles.map((role) => role['name']);
  for (const required of REALM_ROLES) {
    if (!names.includes(required)) report('roles.realm', `missing realm role "${required}"`);
  }
  roles.forEach((role, index) => {
    if (typeof role['description'] !== 'string' || !role['description']) report(`roles.realm[${index}]`, `give role "${String(role['name'])}" a description`);
  });
}

function checkGroups(realm: Json, report: Report): Set<string> {
  const paths = new Set<string>();
  const groups = (realm['groups'] ?? []) as Json[];
  const visit = (group: Json, parentPath: string, jsonPath: string): void => {
    const name = String(group['name']);
    const path = `${parentPath}/${name}`;
    if (paths.has(path)) report(jsonPath, `group ${path} is declared twice (Keycloak refuses duplicate sibling names)`);
    paths.add(path);
    if (typeof group['path'] === 'string' && group['path'] !== path) report(`${jsonPath}.path`, `path "${group['path']}" does not match the group's place in the tree (${path})`);
    if (group['id'] !== undefined && !UUID_PATTERN.test(String(group['id']))) report(`${jsonPath}.id`, 'group ids must be UUIDs');
    if (name.includes('/')) report(`${jsonPath}.name`, 'a group name must not contain "/" (it would break full paths)');

    const isTenant = parentPath === '/organizations' || parentPath === '/teams';
    if (isTenant) {
      if (!tenantFromGroupPath(path)) {
        report(`${jsonPath}.name`, `tenant group "${name}" is not a slug (letters, digits, ".", "_", "-"; starts with a letter or digit): tokens would carry ${path} and principal.ts would ignore it. Put the readable name in attributes.displayName`);
      }
      const displayName = (group['attributes'] as Json | undefined)?.['displayName'];
      if (!Array.isArray(displayName) || typeof displayName[0] !== 'string' || !displayName[0].trim()) {
        report(`${jsonPath}.attributes`, `tenant group ${path} needs attributes.displayName: ["Readable Name"] (a list of strings, as Keycloak stores attributes)`);
      }
      if (Array.isArray(group['subGroups']) && group['subGroups'].length > 0) {
        report(`${jsonPath}.subGroups`, `tenant ${path} has subgroups; tenants are exactly one level below /organizations and /teams and deeper groups are ignored`);
      }
    }
    ((group['subGroups'] ?? []) as Json[]).forEach((child, index) => visit(child, path, `${jsonPath}.subGroups[${index}]`));
  };
  groups.forEach((group, index) => visit(group, '', `groups[${index}]`));
  for (const root of ['/organizations', '/teams']) {
    if (!paths.has(root)) report('groups', `missing top-level group "${root.slice(1)}" (tenant groups live below it)`);
  }
  return paths;
}

function checkClients(realm: Json, report: Report): Set<string> {
  const clients = (realm['clients'] ?? []) as Json[];
  const ids = new Set(clients.map((client) => String(client['clientId'])));
  for (const required of [SHELL, DASHBOARD, ORCHESTRATOR]) {
    if (!ids.has(required)) report('clients', `missing client "${required}"`);
  }

  clients.forEach((client, index) => {
    const at = `clients[${index}]`;
    const clientId = String(client['clientId']);
    const attributes = (client['attributes'] ?? {}) as Json;

    if (client['protocol'] !== 'openid-connect') report(`${at}.protocol`, `set "protocol": "openid-connect" on ${clientId}`);
    for (const flag of EXPLICIT_CLIENT_FLAGS) {
      if (typeof client[flag] !== 'boolean') report(`${at}.${flag}`, `set "${flag}" explicitly on ${clientId}: an omitted flag takes Keycloak's import default, not the admin console's`);
    }
    if (client['implicitFlowEnabled'] === true) report(`${at}.implicitFlowEnabled`, `disable the implicit flow on ${clientId}`);
    if (client['directAccessGrantsEnabled'] === true) report(`${at}.directAccessGrantsEnabled`, `disable direct access grants (password grant) on ${clientId}: users sign in through the login page`);
    if (client['consentRequired'] === true) report(`${at}.consentRequired`, `${clientId} is first-party: set "consentRequired": false (the development provider has no consent screen)`);
    if (client['bearerOnly'] === true) report(`${at}.bearerOnly`, `"bearerOnly" is a legacy flag: use a confidential client with no flows enabled instead`);
    for (const key of ['defaultClientScopes', 'optionalClientScopes']) {
      const scopes = client[key];
      if (Array.isArray(scopes)) {
        for (const scope of scopes) {
          if (!BUILTIN_SCOPE_NAMES.has(String(scope))) report(`${at}.${key}`, `${clientId} references client scope "${String(scope)}", which does not exist (Keycloak only logs a warning and drops it)`);
        }
      }
    }

    for (const [key, value] of Object.entries(attributes)) {
      if (typeof value !== 'string') report(`${at}.attributes.${key}`, 'client attributes are strings in Keycloak: write "true"/"false"/numbers as strings');
    }

    if (client['publicClient'] === false) {
      if (client['clientAuthenticatorType'] !== 'client-secret') report(`${at}.clientAuthenticatorType`, `set "clientAuthenticatorType": "client-secret" on confidential client ${clientId}`);
      const secret = client['secret'];
      if (typeof secret !== 'string' || !/^\$\{[A-Z0-9_]+\}$/.test(secret)) {
        report(`${at}.secret`, `the secret of ${clientId} must be a \${ENV} placeholder, never a literal value in the file`);
      }
    }

    if (client['standardFlowEnabled'] === true) {
      checkRedirects(client, at, clientId, report);
      if (attributes['pkce.code.challenge.method'] !== 'S256') report(`${at}.attributes`, `set attributes["pkce.code.challenge.method"]: "S256" on ${clientId} (Keycloak then requires PKCE with S256)`);
    }
    if (client['publicClient'] === true) {
      const origins = client['webOrigins'];
      if (!Array.isArray(origins) || origins.length === 0) report(`${at}.webOrigins`, `public client ${clientId} needs webOrigins, or the browser cannot call the token endpoint (CORS)`);
      else if (origins.includes('*')) report(`${at}.webOrigins`, `do not allow every origin ("*") on ${clientId}`);
    }

    checkMappers(client, at, clientId, ids, report);
  });

  checkWrrkClients(clients, report);
  return ids;
}

function checkRedirects(client: Json, at: string, clientId: string, report: Report): void {
  const attributes = (client['attributes'] ?? {}) as Json;
  const redirectUris = (client['redirectUris'] ?? []) as string[];
  if (redirectUris.length === 0) report(`${at}.redirectUris`, `${clientId} uses the authorization code flow and needs redirectUris`);
  const postLogout = attributes['post.logout.redirect.uris'];
  if (typeof postLogout !== 'string' || !postLogout) {
    report(`${at}.attributes`, `set attributes["post.logout.redirect.uris"] on ${clientId} (values joined by "##"), or logout cannot return to the app`);
  }
  const all = [
    ...redirectUris.map((uri, i) => [`${at}.redirectUris[${i}]`, uri] as const),
    ...(typeof postLogout === 'string' ? postLogout.split('##').filter((uri) => uri !== '+').map((uri) => [`${at}.attributes.post.logout.redirect.uris`, uri] as const) : []),
  ];
  for (const [path, uri] of all) {
    const sample = uri.replace(/\$\{[A-Z0-9_]+\}/g, 'https://placeholder.example').replace(/\*$/, '');
    if (uri === '*' || uri.slice(0, -1).includes('*')) report(path, `"${uri}": a wildcard is only allowed as the last character of a URI with a path`);
    else if (!URL.canParse(sample) || !/^https?:$/.test(new URL(sample).protocol)) report(path, `"${uri}" is not an absolute http(s) URI (relative URIs depend on rootUrl)`);
    else if (/[?&](code|state|session_state|iss)=/.test(uri)) report(path, `"${uri}" contains an OAuth response parameter, which Keycloak 26.6.7+ rejects`);
  }
}

function checkMappers(client: Json, at: string, clientId: string, clientIds: Set<string>, report: Report): void {
  const mappers = (client['protocolMappers'] ?? []) as Json[];
  const names = new Set<string>();
  mappers.forEach((mapper, index) => {
    const path = `${at}.protocolMappers[${index}]`;
    const name = String(mapper['name']);
    const type = String(mapper['protocolMapper']);
    const config = (mapper['config'] ?? {}) as Json;
    if (names.has(name)) report(`${path}.name`, `${clientId} has two mappers named "${name}" (Keycloak refuses the import)`);
    names.add(name);
    if (mapper['protocol'] !== 'openid-connect') report(`${path}.protocol`, 'set "protocol": "openid-connect"');
    if (!(SUPPORTED_MAPPER_TYPES as readonly string[]).includes(type)) {
      report(`${path}.protocolMapper`, `mapper type "${type}" is not implemented by the development provider; add it there or use a supported type (${SUPPORTED_MAPPER_TYPES.join(', ')})`);
    }
    for (const [key, value] of Object.entries(config)) {
      if (typeof value !== 'string') report(`${path}.config.${key}`, `mapper config values are strings in Keycloak: write ${JSON.stringify(String(value))}`);
    }
    const flags = type === 'oidc-audience-mapper' ? AUDIENCE_FLAGS : type === 'oidc-audience-resolve-mapper' ? [] : TOKEN_FLAGS;
    for (const flag of flags) {
      if (config[flag] !== 'true' && config[flag] !== 'false') report(`${path}.config`, `set "${flag}" explicitly to "true" or "false" on mapper "${name}" (import applies no UI defaults)`);
    }
    if (type === 'oidc-group-membership-mapper') {
      if (config['full.path'] !== 'true') report(`${path}.config`, `mapper "${name}" must set "full.path": "true": tenants are full group paths (/organizations/acme-corp)`);
      if (config['claim.name'] !== 'groups') report(`${path}.config`, `mapper "${name}" must write the claim "groups"`);
    }
    if (type === 'oidc-usermodel-realm-role-mapper') {
      if (config['claim.name'] !== 'realm_access.roles') report(`${path}.config`, `mapper "${name}" must write "realm_access.roles", the claim Keycloak's built-in roles mapper uses`);
      if (config['multivalued'] !== 'true') report(`${path}.config`, `mapper "${name}" must set "multivalued": "true"`);
    }
    if (type === 'oidc-audience-mapper') {
      const audience = config['included.client.audience'];
      if (typeof audience === 'string' && audience && !clientIds.has(audience)) report(`${path}.config`, `mapper "${name}" names client "${audience}", which the realm does not have`);
      if (!audience && !config['included.custom.audience']) report(`${path}.config`, `mapper "${name}" names no audience`);
    }
  });
}

function checkWrrkClients(clients: Json[], report: Report): void {
  const find = (clientId: string): [Json, string] | undefined => {
    const index = clients.findIndex((client) => client['clientId'] === clientId);
    return index === -1 ? undefined : [clients[index]!, `clients[${index}]`];
  };
  const requireMappers = (clientId: string): void => {
    const found = find(clientId);
    if (!found) return;
    const [client, at] = found;
    const mappers = (client['protocolMappers'] ?? []) as Json[];
    const of = (type: string): Json[] => mappers.filter((mapper) => mapper['protocolMapper'] === type);
    const config = (mapper: Json): Json => (mapper['config'] ?? {}) as Json;
    const groups = of('oidc-group-membership-mapper');
    if (!groups.some((mapper) => ['id.token.claim', 'access.token.claim', 'userinfo.token.claim'].every((flag) => config(mapper)[flag] === 'true'))) {
      report(`${at}.protocolMappers`, `${clientId} needs a groups mapper (full path) into the ID token, access token and userinfo`);
    }
    if (!of('oidc-usermodel-realm-role-mapper').some((mapper) => config(mapper)['id.token.claim'] === 'true')) {
      report(`${at}.protocolMappers`, `${clientId} needs a realm-roles mapper into the ID token (the built-in one fills only the access token)`);
    }
    if (!of('oidc-audience-mapper').some((mapper) => config(mapper)['included.client.audience'] === ORCHESTRATOR && config(mapper)['access.token.claim'] === 'true')) {
      report(`${at}.protocolMappers`, `${clientId} needs an audience mapper adding "${ORCHESTRATOR}" to its access tokens`);
    }
  };
  requireMappers(SHELL);
  requireMappers(DASHBOARD);

  const shell = find(SHELL);
  if (shell) {
    const [client, at] = shell;
    if (client['publicClient'] !== false) report(`${at}.publicClient`, 'shell is a confidential client (next-auth keeps the secret on the server)');
    if (!((client['redirectUris'] ?? []) as string[]).includes('${SHELL_URL}/api/auth/callback/keycloak')) {
      report(`${at}.redirectUris`, 'shell must allow ${SHELL_URL}/api/auth/callback/keycloak (next-auth\'s Keycloak provider callback)');
    }
  }
  const dashboard = find(DASHBOARD);
  if (dashboard) {
    const [client, at] = dashboard;
    if (client['publicClient'] !== true) report(`${at}.publicClient`, 'wrrk-dashboard runs in the browser: it must be a public client');
    if (!((client['redirectUris'] ?? []) as string[]).some((uri) => uri.startsWith('${SHELL_URL}/chatwoot-app'))) {
      report(`${at}.redirectUris`, 'wrrk-dashboard must allow redirects under ${SHELL_URL}/chatwoot-app');
    }
  }
  const orchestrator = find(ORCHESTRATOR);
  if (orchestrator) {
    const [client, at] = orchestrator;
    if (client['serviceAccountsEnabled'] !== true) report(`${at}.serviceAccountsEnabled`, 'orchestrator needs a service account (client credentials) to read users and groups');
    if (client['standardFlowEnabled'] !== false) report(`${at}.standardFlowEnabled`, 'orchestrator is an API and a service account: no browser login (standardFlowEnabled false)');
    if (client['publicClient'] !== false) report(`${at}.publicClient`, 'orchestrator must be confidential');
  }
}

function checkUsers(realm: Json, options: LintOptions, groupPaths: Set<string>, clientIds: Set<string>, report: Report): void {
  const users = (realm['users'] ?? []) as Json[];
  const clients = (realm['clients'] ?? []) as Json[];
  const realmRoles = new Set([
    ...(((realm['roles'] as Json | undefined)?.['realm'] ?? []) as Json[]).map((role) => String(role['name'])),
    defaultRoleName(String(realm['realm'])),
    'offline_access',
    'uma_authorization',
  ]);
  const usernames = new Set<string>();
  const emails = new Set<string>();

  users.forEach((user, index) => {
    const at = `users[${index}]`;
    const username = String(user['username']);
    const serviceAccountOf = user['serviceAccountClientId'];

    if (usernames.has(username.toLowerCase())) report(`${at}.username`, `username "${username}" is used twice`);
    usernames.add(username.toLowerCase());
    if (username !== username.toLowerCase()) report(`${at}.username`, `Keycloak lower-cases usernames: write "${username.toLowerCase()}"`);
    if (typeof user['id'] !== 'string' || !UUID_PATTERN.test(user['id'])) {
      report(`${at}.id`, `give ${username} a fixed UUID id: the user id is the token subject and the personal tenant id, and must be the same in Keycloak and the development provider`);
    }
    if (user['enabled'] !== true) report(`${at}.enabled`, `set "enabled": true on ${username} (Keycloak imports an omitted flag as a disabled user)`);
    if (!((user['realmRoles'] ?? []) as string[]).includes(defaultRoleName(String(realm['realm'])))) {
      report(`${at}.realmRoles`, `list "${defaultRoleName(String(realm['realm']))}" in ${username}'s realmRoles: imported users get no default roles otherwise`);
    }
    for (const role of (user['realmRoles'] ?? []) as string[]) {
      if (!realmRoles.has(role)) report(`${at}.realmRoles`, `${username} has unknown realm role "${role}"`);
    }
    for (const [clientId, roles] of Object.entries((user['clientRoles'] ?? {}) as Record<string, string[]>)) {
      const known = BUILTIN_CLIENT_ROLES[clientId]?.map((role) => role.name);
      if (!known && !clientIds.has(clientId)) report(`${at}.clientRoles`, `${username} has roles of unknown client "${clientId}"`);
      for (const role of roles) {
        if (known && !known.includes(role)) report(`${at}.clientRoles`, `${username} has unknown ${clientId} role "${role}"`);
      }
    }
    for (const path of (user['groups'] ?? []) as string[]) {
      if (!groupPaths.has(path)) report(`${at}.groups`, `${username} is in "${path}", which the realm does not declare (groups are full paths)`);
    }

    if (typeof serviceAccountOf === 'string') {
      const client = clients.find((candidate) => candidate['clientId'] === serviceAccountOf);
      if (!client || client['serviceAccountsEnabled'] !== true) report(`${at}.serviceAccountClientId`, `${username} is the service account of "${serviceAccountOf}", which has no service account enabled`);
      if (username !== `service-account-${serviceAccountOf}`) report(`${at}.username`, `a service account user is named "service-account-${serviceAccountOf}"`);
      if (user['credentials']) report(`${at}.credentials`, 'a service account has no password');
      return;
    }

    if (options.kind === 'production') {
      report(at, `the production realm holds no people ("${username}"): put demo users in keycloak/dev/demo-realm-data.json`);
      return;
    }
    const email = user['email'];
    if (typeof email !== 'string' || !email.includes('@')) report(`${at}.email`, `give ${username} an e-mail address`);
    else if (emails.has(email.toLowerCase())) report(`${at}.email`, `e-mail ${email} is used twice (Keycloak refuses duplicate e-mails)`);
    else emails.add(email.toLowerCase());
    for (const field of ['firstName', 'lastName']) {
      if (typeof user[field] !== 'string' || !user[field]) report(`${at}.${field}`, `give ${username} a ${field}`);
    }
    if (typeof user['emailVerified'] !== 'boolean') report(`${at}.emailVerified`, `set "emailVerified" explicitly on ${username}`);
    const credentials = (user['credentials'] ?? []) as Json[];
    const password = credentials.find((credential) => credential['type'] === 'password');
    if (!password || typeof password['value'] !== 'string') report(`${at}.credentials`, `give ${username} a password credential with a plain "value"`);
    else if (password['temporary'] !== false) report(`${at}.credentials`, `set "temporary": false on ${username}'s password, or every login first asks for a new one`);
    if (Array.isArray(user['requiredActions']) && user['requiredActions'].length > 0) {
      report(`${at}.requiredActions`, `${username} has required actions; the development provider does not implement them`);
    }
  });
}

/** Top-level keys demo data may carry: tenants, people, and settings that make a demo forgiving. */
const DEMO_DATA_KEYS = new Set(['groups', 'users', 'bruteForceProtected']);

/**
 * Checks the demo data file on its own: it may add tenant groups and users, and relax brute
 * force protection, but never change clients, roles or scopes (those belong to the realm file,
 * so that development runs the production configuration).
 */
export function lintDemoData(input: unknown): LintFinding[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return [{ path: '(root)', message: 'demo data must be a JSON object' }];
  return Object.keys(input)
    .filter((key) => !DEMO_DATA_KEYS.has(key))
    .map((key) => ({ path: key, message: `demo data may only carry ${[...DEMO_DATA_KEYS].join(', ')}; "${key}" belongs in the realm file` }));
}
