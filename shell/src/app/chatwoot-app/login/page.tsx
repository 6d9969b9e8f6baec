import type { Metadata } from 'next';
import { shellConfig } from '../../../lib/config';
import { DASHBOARD_CLIENT_ID, keycloakSettings } from '../app-context';
import { PopupLogin } from './popup-login';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in for Chatwoot' };

/** The sign-in popup of the dashboard app: Keycloak's login cannot be framed, a popup can show it. */
export default function DashboardAppLoginPage() {
  const keycloak = keycloakSettings(shellConfig().issuer);
  if (!keycloak) return <main className="page"><p>OIDC_ISSUER is not a Keycloak realm URL.</p></main>;
  return <PopupLogin keycloak={{ ...keycloak, clientId: DASHBOARD_CLIENT_ID }} />;
}
