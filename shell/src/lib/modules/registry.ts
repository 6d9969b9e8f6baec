import type { RealmRole } from '@wrrk/keycloak/principal.ts';

/**
 * Every area of the shell, in sidebar order. Adding a module is one entry here (plus its page
 * under src/app/app/<id>/): the sidebar, the role filter, the "not connected" states and the
 * health panel in Settings all follow from this list.
 */

export type ModuleId = 'inbox' | 'chat' | 'consultations' | 'approvals' | 'audit' | 'settings';
export type IconName = 'inbox' | 'chat' | 'video' | 'check' | 'shield' | 'gear';
export type SystemVariable = 'CHATWOOT_URL' | 'ELEMENT_URL' | 'JITSI_URL';

/** What an embedded system needs to open on the current tenant. */
export interface TenantContext {
  tenantId: string;
  chatwootAccountId: number | null;
  matrixRoomId: string | null;
}

export type ModuleLocation =
  | { kind: 'native' }
  | { kind: 'embedded'; /** The URL of the frame for this tenant, from the system's base URL. */ url: (base: string, tenant: TenantContext) => string };

export type HealthCheck =
  /** An integrated system, probed at `${base}${path}`. */
  | { kind: 'http'; path: string }
  /** A native module: healthy when the orchestrator is. */
  | { kind: 'orchestrator' };

export interface ShellModule {
  id: ModuleId;
  label: string;
  /** One line: what the module is for. */
  summary: string;
  icon: IconName;
  path: `/app/${ModuleId}`;
  roles: readonly RealmRole[];
  location: ModuleLocation;
  /** The integrated system behind the module, named by the variable that connects it. */
  system: { name: string; variable: SystemVariable } | null;
  health: HealthCheck;
}

const ALL: readonly RealmRole[] = ['agent', 'manager', 'ceo', 'admin'];

export const MODULES: readonly ShellModule[] = [
  {
    id: 'inbox',
    label: 'Inbox',
    summary: 'Customer conversations in Chatwoot, and escalation to the CEO.',
    icon: 'inbox',
    path: '/app/inbox',
    roles: ['agent', 'manager', 'admin'],
    location: {
      kind: 'embedded',
      url: (base, tenant) => (tenant.chatwootAccountId ? `${base}/app/accounts/${tenant.chatwootAccountId}/dashboard` : `${base}/app`),
    },
    system: { name: 'Chatwoot', variable: 'CHATWOOT_URL' },
    health: { kind: 'http', path: '/health' },
  },
  {
    id: 'chat',
    label: 'Team chat',
    summary: "The team's Matrix room in Element.",
    icon: 'chat',
    path: '/app/chat',
    roles: ALL,
    location: {
      kind: 'embedded',
      url: (base, tenant) => (tenant.matrixRoomId ? `${base}/#/room/${encodeURIComponent(tenant.matrixRoomId)}` : `${base}/#/home`),
    },
    system: { name: 'Element', variable: 'ELEMENT_URL' },
    health: { kind: 'http', path: '/version' },
  },
  {
    id: 'consultations',
    label: 'Consultations',
    summary: 'Video consultations in Jitsi, opened from decisions.',
    icon: 'video',
    path: '/app/consultations',
    roles: ALL,
    location: { kind: 'native' },
    system: { name: 'Jitsi', variable: 'JITSI_URL' },
    health: { kind: 'http', path: '/external_api.js' },
  },
  {
    id: 'approvals',
    label: 'Approvals',
    summary: 'Escalations waiting for a decision, and their history.',
    icon: 'check',
    path: '/app/approvals',
    roles: ALL,
    location: { kind: 'native' },
    system: null,
    health: { kind: 'orchestrator' },
  },
  {
    id: 'audit',
    label: 'Audit',
    summary: "The tenant's tamper-evident trail of every change.",
    icon: 'shield',
    path: '/app/audit',
    // The orchestrator serves the full trail to these roles (and in a personal space).
    roles: ['manager', 'ceo', 'admin'],
    location: { kind: 'native' },
    system: null,
    health: { kind: 'orchestrator' },
  },
  {
    id: 'settings',
    label: 'Settings',
    summary: 'SLA, connected systems and their health.',
    icon: 'gear',
    path: '/app/settings',
    roles: ALL,
    location: { kind: 'native' },
    system: null,
    health: { kind: 'orchestrator' },
  },
];

export interface ModuleViewer {
  roles: readonly RealmRole[];
  /** In a personal space the user oversees their own trail. */
  tenantKind: 'organization' | 'team' | 'personal';
}

export function canSeeModule(module: ShellModule, viewer: ModuleViewer): boolean {
  if (module.id === 'audit' && viewer.tenantKind === 'personal') return true;
  return module.roles.some((role) => viewer.roles.includes(role));
}

export function visibleModules(viewer: ModuleViewer, modules: readonly ShellModule[] = MODULES): ShellModule[] {
  return modules.filter((module) => canSeeModule(module, viewer));
}

export function findModule(id: ModuleId, modules: readonly ShellModule[] = MODULES): ShellModule {
  const module = modules.find((candidate) => candidate.id === id);
  if (!module) throw new Error(`unknown module ${id}`);
  return module;
}

/** Where a user lands on /app: the CEO's queue for deciders, the inbox for agents. */
export function landingModule(viewer: ModuleViewer, modules: readonly ShellModule[] = MODULES): ShellModule | null {
  const visible = visibleModules(viewer, modules);
  const prefer: ModuleId[] = viewer.roles.some((role) => role === 'ceo' || role === 'admin') ? ['approvals'] : ['inbox', 'approvals'];
  for (const id of prefer) {
    const hit = visible.find((module) => module.id === id);
    if (hit) return hit;
  }
  return visible[0] ?? null;
}

/** The system's base URL from configuration, or null when its variable is unset. */
export function systemBaseUrl(module: ShellModule, urls: Record<SystemVariable, string | null>): string | null {
  return module.system ? urls[module.system.variable] : null;
}
