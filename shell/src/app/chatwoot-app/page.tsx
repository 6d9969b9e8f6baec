import type { Metadata } from 'next';
import { shellConfig } from '../../lib/config';
import { DASHBOARD_CLIENT_ID, keycloakSettings } from './app-context';
import { DashboardApp } from './dashboard-app';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Escalate to CEO' };

/**
 * Chatwoot's Dashboard App ("Escalate to CEO"), framed by Chatwoot in the conversation view.
 * Public (no shell session: third-party cookies are unreliable in a frame); the agent signs in
 * with Keycloak in a popup and every call carries that token.
 */
export default function ChatwootDashboardAppPage() {
  const config = shellConfig();
  const keycloak = keycloakSettings(config.issuer);
  if (!config.chatwootUrl || !keycloak) {
    return (
      <main className="page stack">
        <div className="notice" data-tone="warning" role="status">
          <div>
            <p className="notice-title">Not connected</p>
            <p>{!config.chatwootUrl ? 'Set CHATWOOT_URL on the shell: only that Chatwoot may show this app.' : `OIDC_ISSUER (${config.issuer}) is not a Keycloak realm URL (…/realms/<realm>).`}</p>
          </div>
        </div>
      </main>
    );
  }
  return <DashboardApp chatwootUrl={config.chatwootUrl} chatwootOrigin={new URL(config.chatwootUrl).origin} keycloak={{ ...keycloak, clientId: DASHBOARD_CLIENT_ID }} />;
}
