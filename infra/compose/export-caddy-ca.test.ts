import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentOf, mountsOf } from './compose-rules.ts';
import { compose, run, scratchDir, service } from './test-support.ts';

const scratch = scratchDir();

describe("export-caddy-ca.sh (trusting Caddy's local CA)", () => {
  const publicBundle = '-----BEGIN CERTIFICATE-----\npublic roots\n-----END CERTIFICATE-----\n';
  const localRoot = '-----BEGIN CERTIFICATE-----\ncaddy local root\n-----END CERTIFICATE-----\n';
  const exportCa = (caddyTls: string, withRoot: boolean) => {
    const folder = mkdtempSync(join(scratch, 'ca-'));
    const authority = join(folder, 'data', 'caddy', 'pki', 'authorities', 'local');
    mkdirSync(authority, { recursive: true });
    mkdirSync(join(folder, 'ca'));
    if (withRoot) writeFileSync(join(authority, 'root.crt'), localRoot);
    writeFileSync(join(folder, 'system-bundle.crt'), publicBundle);
    writeFileSync(join(folder, 'ca', 'root.crt'), 'stale');
    const result = run('sh', ['infra/compose/export-caddy-ca.sh'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        CADDY_TLS: caddyTls,
        CADDY_DATA_DIR: join(folder, 'data'),
        WRRK_CA_DIR: join(folder, 'ca'),
        SYSTEM_CA_BUNDLE: join(folder, 'system-bundle.crt'),
        CADDY_CA_WAIT_SECONDS: '1',
      },
    });
    return { result, root: join(folder, 'ca', 'root.crt'), bundle: join(folder, 'ca', 'ca-bundle.crt') };
  };

  it('exports the root, and a bundle of the public CAs plus the root, when Caddy signs the sites', () => {
    const { result, root, bundle } = exportCa('internal', true);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(root, 'utf8')).toBe(localRoot);
    expect(readFileSync(bundle, 'utf8')).toBe(publicBundle + localRoot);
    expect(statSync(root).mode & 0o777).toBe(0o644);
    expect(statSync(bundle).mode & 0o777).toBe(0o644);
  });

  it('fails when the internal CA never appears', () => {
    const { result } = exportCa('internal', false);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('no local CA root');
  });

  it('exports the public CAs only, and removes a stale root, with ACME certificates', () => {
    const { result, root, bundle } = exportCa('ops@example.org', true);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(root)).toBe(false);
    expect(readFileSync(bundle, 'utf8')).toBe(publicBundle);
  });

  it('is where the Node services and Chatwoot look', () => {
    for (const name of ['orchestrator', 'shell', 'bootstrap']) expect(environmentOf(service(name))['NODE_EXTRA_CA_CERTS'], name).toBe('/etc/wrrk-ca/root.crt');
    for (const name of ['chatwoot-init', 'chatwoot', 'chatwoot-sidekiq']) expect(environmentOf(service(name))['SSL_CERT_FILE'], name).toBe('/etc/wrrk-ca/ca-bundle.crt');
    for (const name of ['orchestrator', 'shell', 'bootstrap', 'chatwoot-init', 'chatwoot', 'chatwoot-sidekiq']) {
      expect(mountsOf(compose).some((m) => m.service === name && m.source === 'wrrk-ca' && m.target === '/etc/wrrk-ca' && m.readOnly), name).toBe(true);
    }
  });
});
