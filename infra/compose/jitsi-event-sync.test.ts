import { describe, expect, it } from 'vitest';
import { environmentOf, mountsOf } from './compose-rules.ts';
import { commandWorks, compose, read, run, service } from './test-support.ts';

describe('Jitsi event_sync (jitsi/prosody/conf.d/wrrk-event-sync.cfg.lua)', () => {
  const config = read('jitsi/prosody/conf.d/wrrk-event-sync.cfg.lua');

  it('posts to the orchestrator with the bearer token from the environment', () => {
    expect(config).toMatch(/Component \("esync\." \.\. xmpp_domain\) "event_sync_component"/);
    expect(config).toContain('api_prefix = ENV_WRRK_EVENT_SYNC_URL or "http://orchestrator:4000/api/webhooks/jitsi"');
    expect(config).toContain('["Authorization"] = "Bearer " .. event_sync_token');
    expect(config).toContain('local event_sync_token = ENV_JITSI_EVENT_SYNC_TOKEN');
    expect(mountsOf(compose).some((m) => m.service === 'jitsi-prosody' && m.target === '/config/conf.d/wrrk-event-sync.cfg.lua' && m.readOnly)).toBe(true);
    expect(environmentOf(service('orchestrator'))['JITSI_EVENT_SYNC_TOKEN']).toMatch(/^\$\{JITSI_EVENT_SYNC_TOKEN[:}]/);
  });

  it.skipIf(!commandWorks('luac5.4', ['-v']))('is valid Lua', () => {
    const result = run('luac5.4', ['-p', 'jitsi/prosody/conf.d/wrrk-event-sync.cfg.lua']);
    expect(result.status, result.stderr).toBe(0);
  });
});
