import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DEV_PLACEHOLDER_DEFAULTS } from '@wrrk/keycloak/realm/placeholders.ts';

/**
 * The shell's configuration, read from environment variables at request time (never at build
 * time), so one production build serves every deployment. A malformed value fails loudly with
 * the variable's name; an unset optional system URL (Chatwoot, Element, Jitsi) means "that
 * module is not connected", which the UI states plainly.
 */

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const httpUrl = z.url({ protocol: /^https?$/ });
const optionalHttpUrl = z.preprocess(emptyToUndefined, httpUrl.optional());

const schema = z.object({
  NODE_ENV: z.string().optional(),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, httpUrl.default('http://localhost:3000')),
  NEXTAUTH_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  OIDC_ISSUER: z.preprocess(emptyToUndefined, httpUrl.default('http://localhost:8080/realms/wrrk')),
  SHELL_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).default('shell')),
  SHELL_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  ORCHESTRATOR_URL: z.preprocess(emptyToUndefined, httpUrl.default('http://localhost:4000')),
  CHATWOOT_URL: optionalHttpUrl,
  ELEMENT_URL: optionalHttpUrl,
  JITSI_URL: optionalHttpUrl,
});

export interface ShellConfig {
  /** Public URL of the shell (`NEXTAUTH_URL`), without a trailing slash. */
  publicUrl: string;
  secureCookies: boolean;
  /** `NEXTAUTH_SECRET`; null until instrumentation supplies a development fallback. */
  secret: string | null;
  issuer: string;
  clientId: string;
  /** The dev provider's default secret for the `shell` client applies when unset. */
  clientSecret: string;
  orchestratorUrl: string;
  chatwootUrl: string | null;
  elementUrl: string | null;
  jitsiUrl: string | null;
  production: boolean;
}

/** The `shell` client's development secret: the dev provider's default for the same placeholder. */
export const DEV_SHELL_CLIENT_SECRET = DEV_PLACEHOLDER_DEFAULTS.SHELL_CLIENT_SECRET;

export class ShellConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid shell configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ShellConfigError';
    this.problems = problems;
  }
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function parseShellConfig(env: Record<string, string | undefined>): ShellConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ShellConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(root)');
        return `${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`;
      }),
    );
  }
  const v = parsed.data;
  const publicUrl = trimSlash(v.NEXTAUTH_URL);
  return {
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    secret: v.NEXTAUTH_SECRET ?? null,
    issuer: trimSlash(v.OIDC_ISSUER),
    clientId: v.SHELL_CLIENT_ID,
    clientSecret: v.SHELL_CLIENT_SECRET ?? DEV_SHELL_CLIENT_SECRET,
    orchestratorUrl: trimSlash(v.ORCHESTRATOR_URL),
    chatwootUrl: v.CHATWOOT_URL ? trimSlash(v.CHATWOOT_URL) : null,
    elementUrl: v.ELEMENT_URL ? trimSlash(v.ELEMENT_URL) : null,
    jitsiUrl: v.JITSI_URL ? trimSlash(v.JITSI_URL) : null,
    production: v.NODE_ENV === 'production',
  };
}

let cached: { key: string; config: ShellConfig } | undefined;
const KEYS = Object.keys(schema.shape);

/** The process configuration; re-parsed only when a relevant variable changed. */
export function shellConfig(): ShellConfig {
  const key = KEYS.map((name) => process.env[name] ?? '').join('\u0000');
  if (cached?.key !== key) cached = { key, config: parseShellConfig(process.env) };
  return cached.config;
}

/**
 * The key of the session cookie (NEXTAUTH_SECRET). Unset, the embedded default gets a random
 * per-process key, announced once: sessions then end when the shell restarts, and several
 * replicas would not understand each other's cookies, so deployments must set it.
 */
export function sessionSecret(): string {
  const secret = shellConfig().secret;
  if (secret) return secret;
  if (!process.env['NEXTAUTH_SECRET']) {
    process.env['NEXTAUTH_SECRET'] = randomBytes(32).toString('base64url');
    console.warn('[shell] NEXTAUTH_SECRET is not set: using a random key for this process; sessions end on restart. Set NEXTAUTH_SECRET in any real deployment.');
  }
  return shellConfig().secret!;
}

export function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
