import { shellConfig } from '../lib/config';
import { checkModuleHealth } from '../lib/modules/module-health';
import { systemUrls } from '../lib/modules/module-health-snapshot';
import type { ShellModule } from '../lib/modules/registry';
import { Icon } from './icon';

/**
 * Above an embedded system: a plain warning when the shell's server cannot reach it. The frame
 * stays (a browser may reach what a container network cannot), but an empty frame is explained.
 */
export async function EmbeddedHealthNotice({ module }: { module: ShellModule }) {
  const health = await checkModuleHealth(module, { urls: systemUrls(), orchestratorUrl: shellConfig().orchestratorUrl });
  if (health.status !== 'unreachable' && health.status !== 'degraded') return null;
  const name = module.system?.name ?? module.label;
  return (
    <div className="notice embed-notice" data-tone="warning" role="status" data-testid="embed-health">
      <Icon name="alert" />
      <div>
        <span className="notice-title">{name} is not answering: </span>
        {health.url} {health.status === 'unreachable' ? `is unreachable (${health.detail})` : health.detail}. If the view below stays empty, check that {name} is running and that{' '}
        <code>{module.system?.variable}</code> points at it.
      </div>
    </div>
  );
}
