import type { Metadata } from 'next';
import { Icon } from '../../../components/icon';
import { FailureState, Forbidden } from '../../../components/states';
import { shellConfig } from '../../../lib/config';
import { formatDuration } from '../../../lib/format/time';
import { checkModuleHealth, type ModuleHealth } from '../../../lib/modules/module-health';
import { systemUrls, viewerOf } from '../../../lib/modules/module-health-snapshot';
import { MODULES, canSeeModule } from '../../../lib/modules/registry';
import { moduleAccess } from '../../../lib/session/module-access';
import { SlaEditor } from './sla-editor';

export const metadata: Metadata = { title: 'Settings' };

function HealthBadge({ health }: { health: ModuleHealth }) {
  switch (health.status) {
    case 'ok':
      return (
        <span className="badge badge-dot" data-tone="success">
          connected · {health.latencyMs} ms
        </span>
      );
    case 'unconfigured':
      return (
        <span className="badge" data-tone="neutral">
          not connected: set {health.variable}
        </span>
      );
    case 'unreachable':
      return (
        <span className="badge badge-dot" data-tone="danger">
          unreachable ({health.detail})
        </span>
      );
    case 'degraded':
      return (
        <span className="badge badge-dot" data-tone="warning">
          degraded ({health.detail})
        </span>
      );
  }
}

/** The tenant's settings (SLA, linked Chatwoot account and Matrix room) and the health of every connected system. */
export default async function SettingsPage() {
  const { session, allowed } = await moduleAccess('settings');
  if (!allowed) return <Forbidden module="Settings" />;
  const config = shellConfig();
  const deps = { urls: systemUrls(), orchestratorUrl: config.orchestratorUrl };
  const [settings, health] = await Promise.all([
    session.orchestrator.tenantSettings().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    Promise.all(MODULES.map(async (module) => ({ module, health: await checkModuleHealth(module, deps) }))),
  ]);
  const viewer = viewerOf(session);
  const isAdmin = session.principal.roles.includes('admin');
  const orchestrator = health.find((entry) => entry.module.health.kind === 'orchestrator')!.health;

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-title">
          <h1>Settings</h1>
          <p className="page-subtitle">{session.tenant.name} · service levels, connected systems and your account</p>
        </div>
      </div>
      <div className="stack">
        {settings instanceof Error ? <FailureState error={settings} /> : null}
        <div className="grid-2">
          <section className="card" aria-labelledby="sla-heading">
            <div className="card-header">
              <h2 id="sla-heading">Service levels</h2>
              <span className="muted small">time the CEO has to decide, by priority</span>
            </div>
            <div className="card-body">
              {settings instanceof Error ? (
                <p className="muted">Unavailable while the orchestrator is not answering.</p>
              ) : isAdmin ? (
                <SlaEditor initial={settings.slaMinutes} />
              ) : (
                <dl className="kv">
                  {(['urgent', 'high', 'medium', 'low'] as const).map((priority) => (
                    <div key={priority} className="kv-row">
                      <dt>{priority}</dt>
                      <dd>{formatDuration(settings.slaMinutes[priority] * 60_000)}</dd>
                    </div>
                  ))}
                </dl>
              )}
              <p className="muted small spaced">
                {isAdmin ? 'Overdue escalations climb one priority step automatically.' : 'Admins can change these. Overdue escalations climb one priority step automatically.'}
              </p>
            </div>
          </section>

          <section className="card" aria-labelledby="tenant-heading">
            <div className="card-header">
              <h2 id="tenant-heading">This workspace</h2>
            </div>
            <div className="card-body">
              <dl className="kv">
                <dt>Name</dt>
                <dd>{settings instanceof Error ? session.tenant.name : (settings.displayName ?? session.tenant.name)}</dd>
                <dt>Tenant id</dt>
                <dd className="mono">{session.tenant.id}</dd>
                <dt>Kind</dt>
                <dd>{session.tenant.kind}</dd>
                <dt>Chatwoot account</dt>
                <dd>{settings instanceof Error ? '—' : (settings.chatwootAccountId ?? 'not linked yet')}</dd>
                <dt>Matrix room</dt>
                <dd className={settings instanceof Error || !settings.matrixRoomId ? undefined : 'mono'}>{settings instanceof Error ? '—' : (settings.matrixRoomId ?? 'not created yet')}</dd>
              </dl>
            </div>
          </section>
        </div>

        <section className="card" aria-labelledby="systems-heading" data-testid="systems">
          <div className="card-header">
            <h2 id="systems-heading">Connected systems</h2>
            <span className="muted small">checked by the shell&apos;s server just now</span>
          </div>
          <ul className="system-list">
            <li>
              <span className="tenant-kind" aria-hidden="true">
                <Icon name="shield" />
              </span>
              <div className="grow list-text">
                <strong>Orchestrator</strong>
                <span className="muted small mono">ORCHESTRATOR_URL={config.orchestratorUrl}</span>
              </div>
              <HealthBadge health={orchestrator} />
            </li>
            <li>
              <span className="tenant-kind" aria-hidden="true">
                <Icon name="user" />
              </span>
              <div className="grow list-text">
                <strong>Identity provider</strong>
                <span className="muted small mono">OIDC_ISSUER={config.issuer}</span>
              </div>
              <span className="badge badge-dot" data-tone="success">
                signed in as {session.principal.username}
              </span>
            </li>
            {health
              .filter((entry) => entry.module.system)
              .map(({ module, health: state }) => (
                <li key={module.id} data-module={module.id} data-status={state.status}>
                  <span className="tenant-kind" aria-hidden="true">
                    <Icon name={module.icon === 'inbox' ? 'inbox' : module.icon === 'chat' ? 'chat' : 'video'} />
                  </span>
                  <div className="grow list-text">
                    <strong>
                      {module.system!.name} <span className="muted">· {module.label}</span>
                    </strong>
                    <span className="muted small mono">
                      {module.system!.variable}={deps.urls[module.system!.variable] ?? '(unset)'}
                      {canSeeModule(module, viewer) ? '' : ' · not in your role'}
                    </span>
                  </div>
                  <HealthBadge health={state} />
                </li>
              ))}
          </ul>
        </section>

        <section className="card" aria-labelledby="account-heading">
          <div className="card-header">
            <h2 id="account-heading">Your account</h2>
          </div>
          <div className="card-body">
            <dl className="kv">
              <dt>Name</dt>
              <dd>{session.principal.name}</dd>
              <dt>Username</dt>
              <dd>{session.principal.username}</dd>
              <dt>Roles</dt>
              <dd>{session.principal.roles.join(', ') || 'none'}</dd>
              <dt>Workspaces</dt>
              <dd>{session.tenants.map((tenant) => tenant.name).join(', ')}</dd>
            </dl>
          </div>
        </section>
      </div>
    </div>
  );
}
