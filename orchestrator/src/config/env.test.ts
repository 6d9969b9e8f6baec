import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('starts with defaults on an empty environment (embedded default)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 4000, OIDC_AUDIENCE: 'orchestrator', SSE_HEARTBEAT_SECONDS: 30 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.RATE_LIMIT_WRITES_PER_MINUTE).toBeLessThan(config.RATE_LIMIT_READS_PER_MINUTE);
  });

  it('treats empty strings as unset (a blank line in .env is not a URL)', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '', CHATWOOT_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names every malformed and every missing variable in one error', () => {
    const problems = problemsOf({
      NODE_ENV: 'production', // needs DATABASE_URL
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      OIDC_ISSUER: 'not a url',
      RATE_LIMIT_WRITES_PER_MINUTE: '-5',
      TRUST_PROXY: 'maybe',
      JITSI_URL: 'https://meet.example.com', // needs JITSI_APP_ID and JITSI_APP_SECRET
      MATRIX_HOMESERVER_URL: 'https://matrix.example.com', // needs the appservice tokens
    });
    const text = problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'OIDC_ISSUER', 'RATE_LIMIT_WRITES_PER_MINUTE', 'TRUST_PROXY', 'DATABASE_URL', 'JITSI_APP_ID', 'MATRIX_AS_TOKEN']) {
      expect(text, `problems should name ${name}`).toContain(name);
    }
    // The offending value is quoted so the operator sees what was read.
    expect(text).toContain('"eighty"');
  });

  it('reports the cross-variable rules alone when every value is well-formed', () => {
    const problems = problemsOf({ CHATWOOT_URL: 'https://chat.example.com', JITSI_URL: 'https://meet.example.com', JITSI_APP_ID: 'wrrk' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/CHATWOOT_API_TOKEN/);
    expect(problems.join('\n')).toMatch(/JITSI_APP_SECRET/);
  });

  it('renders the problems in the error message for the start-up log', () => {
    try {
      loadConfig({ PORT: '70000' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}- PORT: /);
    }
  });
});
