import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { assertDevelopmentEnvironment, DevProviderRefusedError } from './environment-guard.ts';
import { startDevProvider } from './index.ts';

const saved = { NODE_ENV: process.env['NODE_ENV'], DEV_OIDC_FORCE: process.env['DEV_OIDC_FORCE'] };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('production guard', () => {
  it('refuses NODE_ENV=production unless DEV_OIDC_FORCE=1', () => {
    expect(() => assertDevelopmentEnvironment({ NODE_ENV: 'production' })).toThrow(DevProviderRefusedError);
    expect(() => assertDevelopmentEnvironment({ NODE_ENV: 'production', DEV_OIDC_FORCE: 'true' })).toThrow(/OIDC_ISSUER/);
    expect(() => assertDevelopmentEnvironment({ NODE_ENV: 'production', DEV_OIDC_FORCE: '1' })).not.toThrow();
    expect(() => assertDevelopmentEnvironment({ NODE_ENV: 'development' })).not.toThrow();
    expect(() => assertDevelopmentEnvironment({})).not.toThrow();
  });

  it('startDevProvider refuses before it listens', async () => {
    process.env['NODE_ENV'] = 'production';
    delete process.env['DEV_OIDC_FORCE'];
    await expect(startDevProvider({ port: 0, dataDir: null })).rejects.toThrow(DevProviderRefusedError);
    process.env['DEV_OIDC_FORCE'] = '1';
    const idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
    await idp.close();
  });

  it('the CLI exits with a clear message', () => {
    const server = fileURLToPath(new URL('./server.ts', import.meta.url));
    const result = spawnSync(process.execPath, [server], {
      env: { PATH: process.env['PATH'], NODE_ENV: 'production', DEV_OIDC_PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/refusing to start the development OpenID provider with NODE_ENV=production/);
  });
});
