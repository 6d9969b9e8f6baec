'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { ModuleHealth } from '../lib/modules/module-health';
import type { IconName, ModuleId } from '../lib/modules/registry';
import { Icon, type IconId } from './icon';
import { useLiveEvent } from './live-events';

export interface NavModule {
  id: ModuleId;
  label: string;
  path: string;
  icon: IconName;
  summary: string;
  /** Set when the module's system is not configured: the variable to set. */
  unconfigured: string | null;
}

const ICONS: Record<IconName, IconId> = { inbox: 'inbox', chat: 'chat', video: 'video', check: 'check', shield: 'shield', gear: 'gear' };
const HEALTH_POLL_MS = 60_000;

function healthLabel(module: NavModule, health: ModuleHealth | undefined): { status: string; text: string } {
  if (module.unconfigured) return { status: 'unconfigured', text: `Not connected: set ${module.unconfigured}` };
  if (!health) return { status: 'unknown', text: 'Checking…' };
  switch (health.status) {
    case 'ok':
      return { status: 'ok', text: 'Connected' };
    case 'unconfigured':
      return { status: 'unconfigured', text: `Not connected: set ${health.variable}` };
    case 'unreachable':
      return { status: 'unreachable', text: `Unreachable (${health.detail})` };
    case 'degraded':
      return { status: 'degraded', text: `Degraded (${health.detail})` };
  }
}

/** Module navigation from the registry, with health dots and the live count of pending approvals. */
export function Sidebar({ modules, pendingIds }: { modules: NavModule[]; pendingIds: string[] }) {
  const pathname = usePathname();
  const [health, setHealth] = useState<Partial<Record<ModuleId, ModuleHealth>>>({});
  const [pending, setPending] = useState(() => new Set(pendingIds));

  useEffect(() => setPending(new Set(pendingIds)), [pendingIds]);

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const response = await fetch('/api/modules/health', { cache: 'no-store' });
        if (response.ok && !stopped) setHealth((await response.json()) as Partial<Record<ModuleId, ModuleHealth>>);
      } catch {
        // the next poll tries again
      }
    };
    void load();
    const timer = setInterval(load, HEALTH_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const track = (approval: { id: string; status: string }) =>
    setPending((current) => {
      const next = new Set(current);
      if (approval.status === 'pending') next.add(approval.id);
      else next.delete(approval.id);
      return next;
    });
  useLiveEvent<{ id: string; status: string }>('approval.created', track);
  useLiveEvent<{ id: string; status: string }>('approval.updated', track);

  return (
    <nav className="sidebar" aria-label="Modules">
      <div className="sidebar-section">Workspace</div>
      {modules.map((module) => {
        const current = pathname === module.path || pathname.startsWith(`${module.path}/`);
        const state = healthLabel(module, health[module.id]);
        const count = module.id === 'approvals' ? pending.size : 0;
        return (
          <Link key={module.id} href={module.path} className="nav-link" aria-current={current ? 'page' : undefined} title={`${module.summary} ${state.text}.`} data-testid={`nav-${module.id}`}>
            <Icon name={ICONS[module.icon]} />
            <span className="nav-label">{module.label}</span>
            {count > 0 ? (
              <span className="nav-count" aria-label={`${count} pending`}>
                {count > 99 ? '99+' : count}
              </span>
            ) : null}
            <span className="status-dot" data-status={state.status} aria-hidden="true" />
            <span className="visually-hidden">{state.text}</span>
          </Link>
        );
      })}
    </nav>
  );
}
