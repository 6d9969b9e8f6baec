import type { Config } from '../config/env.ts';
import { AppError } from '../http/app-error.ts';

/**
 * What the Matrix integration needs, derived once from the environment. Null when the
 * homeserver is not configured: the rest of the product runs, and Matrix features answer with
 * a clear "not connected" naming the variable to set.
 */
export interface MatrixSettings {
  homeserverUrl: string;
  serverName: string;
  /** Application service -> homeserver (registration `as_token`). */
  asToken: string;
  /** Homeserver -> application service (registration `hs_token`). */
  hsToken: string;
  /** `@wrrk:server`: the registration's `sender_localpart`, the bot that posts notices. */
  botUserId: string;
  /** Room aliases are `#<prefix>org_<slug>:server`, inside the registration's alias namespace. */
  aliasPrefix: string;
  /** Server-admin token for Synapse's Admin API (provisioning); null disables provisioning. */
  adminToken: string | null;
  /** `auth_provider` of the `external_ids` link: `oidc-` + the `idp_id` in homeserver.yaml. */
  ssoProvider: string;
  shellUrl: string;
}

export function matrixSettings(config: Config): MatrixSettings | null {
  if (!config.MATRIX_HOMESERVER_URL || !config.MATRIX_SERVER_NAME || !config.MATRIX_AS_TOKEN || !config.MATRIX_HS_TOKEN) return null;
  return {
    homeserverUrl: config.MATRIX_HOMESERVER_URL.replace(/\/+$/, ''),
    serverName: config.MATRIX_SERVER_NAME,
    asToken: config.MATRIX_AS_TOKEN,
    hsToken: config.MATRIX_HS_TOKEN,
    botUserId: `@${config.MATRIX_BOT_LOCALPART}:${config.MATRIX_SERVER_NAME}`,
    aliasPrefix: `${config.MATRIX_BOT_LOCALPART}_`,
    adminToken: config.MATRIX_ADMIN_TOKEN ?? null,
    ssoProvider: config.MATRIX_SSO_PROVIDER,
    shellUrl: config.SHELL_URL.replace(/\/+$/, ''),
  };
}

export function matrixNotConfigured(): AppError {
  return new AppError('service_unavailable', 'Matrix is not connected: set MATRIX_HOMESERVER_URL, MATRIX_SERVER_NAME, MATRIX_AS_TOKEN and MATRIX_HS_TOKEN', {
    details: { missing: ['MATRIX_HOMESERVER_URL', 'MATRIX_SERVER_NAME', 'MATRIX_AS_TOKEN', 'MATRIX_HS_TOKEN'] },
  });
}
