import Link from 'next/link';
import type { ReactNode } from 'react';
import { LiveEventsProvider, LiveIndicator } from '../../components/live-events';
import { Sidebar, type NavModule } from '../../components/sidebar';
import { TenantSwitcher } from '../../components/tenant-switcher';
import { ToastProvider } from '../../components/toasts';
import { UserMenu } from '../../components/user-menu';
import { systemUrls, viewerOf } from '../../lib/modules/module-health-snapshot';
import { visibleModules } from '../../lib/modules/registry';
import { requireShellSession } from '../../lib/session/shell-session';

/**
 * The frame every module lives in: top bar (workspace switcher, live status, account), the
 * module sidebar from the registry, and the content. Keyed by tenant, so switching tenants
 * resets every module's client state along with its data.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const session = await requireShellSession('/app');
  const urls = systemUrls();
  const modules: NavModule[] = visibleModules(viewerOf(session)).map((module) => ({
    id: module.id,
    label: module.label,
    path: module.path,
    icon: module.icon,
    summary: module.summary,
    unconfigured: module.system && !urls[module.system.variable] ? module.system.variable : null,
  }));
  const pending = await session.orchestrator.listApprovals({ status: ['pending'], sort: 'due', limit: 100 }).catch(() => null);

  return (
    <ToastProvider>
      <LiveEventsProvider tenantId={session.tenant.id}>
        <div className="shell">
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="topbar">
            <Link href="/app" className="brand" aria-label="wrrk home">
              <span className="brand-mark" aria-hidden="true">
                w
              </span>
              <span className="brand-name">wrrk</span>
            </Link>
            <TenantSwitcher tenants={session.tenants.map(({ id, kind, name }) => ({ id, kind, name }))} currentId={session.tenant.id} />
            <div className="topbar-spacer" />
            <LiveIndicator />
            <UserMenu name={session.principal.name} username={session.principal.username} email={session.principal.email} roles={session.principal.roles} />
          </header>
          <Sidebar modules={modules} pendingIds={(pending?.items ?? []).map((approval) => approval.id)} />
          <main id="main" className="content" tabIndex={-1} key={session.tenant.id}>
            {children}
          </main>
        </div>
      </LiveEventsProvider>
    </ToastProvider>
  );
}
