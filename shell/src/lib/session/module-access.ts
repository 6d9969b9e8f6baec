import { viewerOf } from '../modules/module-health-snapshot';
import { canSeeModule, findModule, type ModuleId, type ShellModule } from '../modules/registry';
import { requireShellSession, type ShellSession } from './shell-session';

/** For a module page: the session, the module, and whether this user may use it here. */
export async function moduleAccess(id: ModuleId): Promise<{ session: ShellSession; module: ShellModule; allowed: boolean }> {
  const module = findModule(id);
  const session = await requireShellSession(module.path);
  return { session, module, allowed: canSeeModule(module, viewerOf(session)) };
}
