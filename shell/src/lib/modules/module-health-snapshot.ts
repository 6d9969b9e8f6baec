import { shellConfig } from '../config';
import type { ShellSession } from '../session/shell-session';
import { checkModuleHealth, type ModuleHealth } from './module-health';
import { visibleModules, type ModuleId, type SystemVariable } from './registry';

export function systemUrls(): Record<SystemVariable, string | null> {
  const config = shellConfig();
  return { CHATWOOT_URL: config.chatwootUrl, ELEMENT_URL: config.elementUrl, JITSI_URL: config.jitsiUrl };
}

export function viewerOf(session: Pick<ShellSession, 'principal' | 'tenant'>) {
  return { roles: session.principal.roles, tenantKind: session.tenant.kind };
}

/** Health of every module the user sees, checked in parallel. */
export async function moduleHealthSnapshot(session: Pick<ShellSession, 'principal' | 'tenant'>): Promise<Partial<Record<ModuleId, ModuleHealth>>> {
  const deps = { urls: systemUrls(), orchestratorUrl: shellConfig().orchestratorUrl };
  const modules = visibleModules(viewerOf(session));
  const results = await Promise.all(modules.map(async (module) => [module.id, await checkModuleHealth(module, deps)] as const));
  return Object.fromEntries(results);
}
