import { z } from 'zod';

/**
 * Configuration comes only from environment variables, validated once at start-up so a
 * misconfigured instance fails fast with every problem named, instead of failing later on a
 * request. `.env.example` documents each variable.
 */

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalUrl,
  PGLITE_DATA_DIR: z.string().default('./.data/pglite'),
  DATABASE_POOL_MAX: positiveInt(10),
  REDIS_URL: optionalUrl,

  OIDC_ISSUER: z.url().default('http://localhost:8080/realms/wrrk'),
  OIDC_AUDIENCE: z.string().min(1).default('orchestrator'),
  ORCHESTRATOR_CLIENT_SECRET: optionalString,

  SHELL_URL: z.url().default('http://localhost:3000'),
  ORCHESTRATOR_PUBLIC_URL: z.url().default('http://localhost:4000'),

  // Behind a reverse proxy, the client address comes from X-Forwarded-For (first hop).
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  BODY_LIMIT_BYTES: positiveInt(256 * 1024),
  RATE_LIMIT_READS_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_WRITES_PER_MINUTE: positiveInt(60),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: positiveInt(1200),
  ESCALATION_INTERVAL_SECONDS: positiveInt(30),
  SSE_HEARTBEAT_SECONDS: positiveInt(30),

  CHATWOOT_URL: optionalUrl,
  CHATWOOT_API_TOKEN: optionalString,
  CHATWOOT_PLATFORM_TOKEN: optionalString,
  // A label an agent adds in Chatwoot to escalate without the shell; `off` disables the trigger.
  CHATWOOT_ESCALATION_LABEL: z.string().regex(/^[a-z0-9_-]{1,50}$/, 'lower-case letters, digits, - and _ (Chatwoot label rules)').default('escalate'),
  CHATWOOT_ESCALATION_PRIORITY: z.enum(['low', 'medium', 'high', 'urgent']).default('high'),
  CHATWOOT_WEBHOOK_TOLERANCE_SECONDS: positiveInt(300),
  CHATWOOT_RECONCILE_INTERVAL_SECONDS: positiveInt(300),
  CHATWOOT_SYNC_INTERVAL_SECONDS: positiveInt(900),
  // Keycloak's base URL for the admin API when it differs from the issuer's origin (internal network).
  KEYCLOAK_ADMIN_URL: optionalUrl,

  MATRIX_HOMESERVER_URL: optionalUrl,
  MATRIX_SERVER_NAME: optionalString,
  MATRIX_AS_TOKEN: optionalString,
  MATRIX_HS_TOKEN: optionalString,
  MATRIX_BOT_LOCALPART: z.string().default('wrrk'),
  MATRIX_ADMIN_TOKEN: optionalString,
  // `auth_provider` of provisioned users' external_ids: `oidc-` + the idp_id in homeserver.yaml.
  MATRIX_SSO_PROVIDER: z.string().min(1).default('oidc-keycloak'),
  MATRIX_SYNC_INTERVAL_SECONDS: positiveInt(900),

  JITSI_URL: optionalUrl,
  JITSI_APP_ID: optionalString,
  JITSI_APP_SECRET: optionalString,
  JITSI_EVENT_SYNC_TOKEN: optionalString,
  // Per-user meeting tokens are checked once, when joining: keep them short-lived.
  JITSI_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  // `aud` of meeting tokens; must be in prosody's JWT_ACCEPTED_AUDIENCES when that is set.
  JITSI_TOKEN_AUDIENCE: optionalString,
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])] ?? null)})`);
  // The rules below only test presence, so they also run on the raw values when some value is
  // malformed: one start-up names every problem, not just the first kind.
  const config = (parsed.success ? parsed.data : env) as Config;
  if (config.NODE_ENV === 'production' && !config.DATABASE_URL) {
    problems.push('DATABASE_URL: required in production (the embedded PGlite database is for development)');
  }
  if (config.JITSI_URL && (!config.JITSI_APP_ID || !config.JITSI_APP_SECRET)) {
    problems.push('JITSI_APP_ID and JITSI_APP_SECRET: required when JITSI_URL is set');
  }
  if (config.MATRIX_HOMESERVER_URL && (!config.MATRIX_AS_TOKEN || !config.MATRIX_HS_TOKEN || !config.MATRIX_SERVER_NAME)) {
    problems.push('MATRIX_AS_TOKEN, MATRIX_HS_TOKEN and MATRIX_SERVER_NAME: required when MATRIX_HOMESERVER_URL is set');
  }
  if (config.CHATWOOT_URL && !config.CHATWOOT_API_TOKEN) {
    problems.push('CHATWOOT_API_TOKEN: required when CHATWOOT_URL is set');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
