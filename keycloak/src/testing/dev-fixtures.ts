/**
 * The realm's clients and demo users as tests need them against the development provider
 * started with its defaults (`env: {}` or unset SHELL_URL / client secrets).
 */
import { DEV_PLACEHOLDER_DEFAULTS } from '../realm/placeholders.ts';

export const DEMO_PASSWORD = 'demo';

/** Demo usernames (keycloak/dev/demo-realm-data.json). */
export const DEMO_USERS = {
  /** agent · /organizations/acme-corp, /teams/support */
  agent: 'alice.agent',
  /** manager · /organizations/acme-corp */
  manager: 'mark.manager',
  /** ceo · /organizations/acme-corp */
  ceo: 'carol.ceo',
  /** admin · /organizations/acme-corp */
  admin: 'adam.admin',
  /** agent · /organizations/globex (the other tenant) */
  otherTenantAgent: 'olga.agent',
} as const;

export interface DevClient {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

/** Client settings matching the realm file with the given (default: development) SHELL_URL. */
export function devClients(shellUrl: string = DEV_PLACEHOLDER_DEFAULTS.SHELL_URL): {
  shell: DevClient & { clientSecret: string };
  dashboard: DevClient;
  orchestrator: { clientId: string; clientSecret: string };
} {
  return {
    shell: {
      clientId: 'shell',
      clientSecret: DEV_PLACEHOLDER_DEFAULTS.SHELL_CLIENT_SECRET,
      redirectUri: `${shellUrl}/api/auth/callback/keycloak`,
      postLogoutRedirectUri: `${shellUrl}/`,
    },
    dashboard: {
      clientId: 'wrrk-dashboard',
      redirectUri: `${shellUrl}/chatwoot-app/`,
      postLogoutRedirectUri: `${shellUrl}/chatwoot-app/`,
    },
    orchestrator: { clientId: 'orchestrator', clientSecret: DEV_PLACEHOLDER_DEFAULTS.ORCHESTRATOR_CLIENT_SECRET },
  };
}
