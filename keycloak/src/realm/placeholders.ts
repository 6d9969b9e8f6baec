/**
 * `${ENV_VAR}` placeholders in the realm file. Keycloak resolves them from its environment at
 * `--import-realm` (server guide "Importing and exporting realms", "Using environment variables
 * within the realm configuration files"); the development provider resolves the same names
 * from its environment, falling back to the development defaults below.
 *
 * Keycloak leaves an unknown placeholder in place (a client secret would literally be
 * `${SHELL_CLIENT_SECRET}`), so compose must set every name listed here on the Keycloak service.
 */

/** Every placeholder the realm file may use. The realm lint test keeps this list exact. */
export const REALM_PLACEHOLDERS = ['SHELL_URL', 'SHELL_CLIENT_SECRET', 'ORCHESTRATOR_CLIENT_SECRET', 'MATRIX_PUBLIC_URL', 'SYNAPSE_CLIENT_SECRET'] as const;
export type RealmPlaceholder = (typeof REALM_PLACEHOLDERS)[number];

/**
 * Values for `npm start` (embedded default). The shell and the orchestrator must use the same
 * defaults when their variables are unset, so import them from here rather than repeating them.
 * Never valid in production: the compose stack sets real values.
 */
export const DEV_PLACEHOLDER_DEFAULTS: Readonly<Record<RealmPlaceholder, string>> = {
  SHELL_URL: 'http://localhost:3000',
  SHELL_CLIENT_SECRET: 'wrrk-dev-shell-secret',
  ORCHESTRATOR_CLIENT_SECRET: 'wrrk-dev-orchestrator-secret',
  MATRIX_PUBLIC_URL: 'http://localhost:8008',
  SYNAPSE_CLIENT_SECRET: 'wrrk-dev-synapse-secret',
};

const PLACEHOLDER = /\$\{([^}]*)\}/g;
/** Keycloak reads environment variables; wrrk keeps names to upper snake case. */
const VALID_NAME = /^[A-Z][A-Z0-9_]*$/;

/** All placeholder names used anywhere in a JSON value (including invalid ones, for the lint). */
export function findPlaceholders(value: unknown): Set<string> {
  const found = new Set<string>();
  visitStrings(value, (text) => {
    for (const match of text.matchAll(PLACEHOLDER)) found.add(match[1]!);
  });
  return found;
}

export function isValidPlaceholderName(name: string): boolean {
  return VALID_NAME.test(name);
}

export class UnresolvedPlaceholderError extends Error {
  readonly names: string[];

  constructor(names: string[]) {
    super(`realm file placeholders without a value: ${names.map((n) => `\${${n}}`).join(', ')}`);
    this.name = 'UnresolvedPlaceholderError';
    this.names = names;
  }
}

/**
 * Returns a deep copy of `value` with every `${NAME}` replaced from `env`. Throws
 * UnresolvedPlaceholderError listing every name without a value (rather than leaving the
 * placeholder in place as Keycloak does, which turns a missing secret into a silent failure).
 */
export function resolvePlaceholders<T>(value: T, env: Readonly<Record<string, string | undefined>>): T {
  const missing = new Set<string>();
  const resolved = mapStrings(value, (text) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) {
        missing.add(name);
        return whole;
      }
      return replacement;
    }),
  );
  if (missing.size > 0) throw new UnresolvedPlaceholderError([...missing].sort());
  return resolved as T;
}

/**
 * The environment the development provider resolves placeholders from: the given variables,
 * with the development defaults for any realm placeholder that is unset or empty.
 */
export function devPlaceholderEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env };
  for (const name of REALM_PLACEHOLDERS) {
    if (!merged[name]) merged[name] = DEV_PLACEHOLDER_DEFAULTS[name];
  }
  // A trailing slash on SHELL_URL would produce `//api/auth/...` redirect URIs.
  if (merged['SHELL_URL']) merged['SHELL_URL'] = merged['SHELL_URL'].replace(/\/+$/, '');
  return merged;
}

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      visit(key);
      visitStrings(item, visit);
    }
  }
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map)]),
    );
  }
  return value;
}
