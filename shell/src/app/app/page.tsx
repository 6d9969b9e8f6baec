import { redirect } from 'next/navigation';
import { Icon } from '../../components/icon';
import { viewerOf } from '../../lib/modules/module-health-snapshot';
import { landingModule } from '../../lib/modules/registry';
import { requireShellSession } from '../../lib/session/shell-session';

export default async function AppHome() {
  const session = await requireShellSession('/app');
  const landing = landingModule(viewerOf(session));
  if (landing) redirect(landing.path);
  return (
    <div className="page">
      <div className="card empty">
        <div className="empty-icon">
          <Icon name="shield" size="lg" />
        </div>
        <h2>No modules for your account yet</h2>
        <p>Your account has no role in this workspace ({session.tenant.name}). Ask an administrator to give you the agent, manager, ceo or admin role in Keycloak.</p>
      </div>
    </div>
  );
}
