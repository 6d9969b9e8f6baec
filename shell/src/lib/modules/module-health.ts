import type { ShellModule, SystemVariable } from './registry';

/**
 * Health of a module, as the sidebar and Settings show it. Probes run on the shell's server
 * with a short timeout and are cached briefly, so a page render never waits long on a system
 * that is down and the systems are not polled on every click.
 */
export type ModuleHealth =
  | { status: 'ok'; latencyMs: number; checkedAt: string }
  | { status: 'unconfigured'; variable: SystemVariable | 'ORCHESTRATOR_URL'; checkedAt: string }
  | { status: 'unreachable'; url: string; detail: string; variable: SystemVariable | 'ORCHESTRATOR_URL'; checkedAt: string }
  | { status: 'degraded'; url: string; detail: string; latencyMs: number; checkedAt: string };

export interface HealthDeps {
  urls: Record<SystemVariable, string | null>;
  orchestratorUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

const OK_TTL_MS = 20_000;
const FAIL_TTL_MS = 5_000;
const cache = new Map<string, { until: number; value: Promise<ModuleHealth> }>();

async function probe(url: string, variable: SystemVariable | 'ORCHESTRATOR_URL', deps: HealthDeps): Promise<ModuleHealth> {
  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const started = now();
  const checkedAt = new Date(started).toISOString();
  try {
    const response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(deps.timeoutMs ?? 2_500), cache: 'no-store' });
    await response.body?.cancel().catch(() => {});
    const latencyMs = now() - started;
    if (response.status < 400) return { status: 'ok', latencyMs, checkedAt };
    return { status: 'degraded', url, detail: `answered ${response.status}`, latencyMs, checkedAt };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    const detail = (error as Error).name === 'TimeoutError' ? 'no answer within the timeout' : cause ? `${cause}` : (error as Error).message;
    return { status: 'unreachable', url, detail, variable, checkedAt };
  }
}

export function moduleHealthTarget(module: ShellModule, deps: Pick<HealthDeps, 'urls' | 'orchestratorUrl'>): { url: string; variable: SystemVariable | 'ORCHESTRATOR_URL' } | { unconfigured: SystemVariable } {
  if (module.health.kind === 'orchestrator') return { url: `${deps.orchestratorUrl}/api/health`, variable: 'ORCHESTRATOR_URL' };
  const variable = module.system!.variable;
  const base = deps.urls[variable];
  if (!base) return { unconfigured: variable };
  return { url: `${base}${module.health.path}`, variable };
}

export function checkModuleHealth(module: ShellModule, deps: HealthDeps): Promise<ModuleHealth> {
  const now = deps.now ?? Date.now;
  const target = moduleHealthTarget(module, deps);
  if ('unconfigured' in target) return Promise.resolve({ status: 'unconfigured', variable: target.unconfigured, checkedAt: new Date(now()).toISOString() });
  const hit = cache.get(target.url);
  if (hit && hit.until > now()) return hit.value;
  const value = probe(target.url, target.variable, deps);
  const entry = { until: now() + FAIL_TTL_MS, value };
  cache.set(target.url, entry);
  void value.then((health) => {
    entry.until = now() + (health.status === 'ok' ? OK_TTL_MS : FAIL_TTL_MS);
  });
  return value;
}

export function clearHealthCache(): void {
  cache.clear();
}
