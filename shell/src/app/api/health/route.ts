import { NextResponse } from 'next/server';
import { shellConfig } from '../../../lib/config';
import { discoverEndpoints } from '../../../lib/auth/oidc-discovery';

export const dynamic = 'force-dynamic';

async function timed<T>(check: () => Promise<T>) {
  const started = performance.now();
  try {
    await check();
    return { status: 'ok' as const, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down' as const, latencyMs: null, detail: (error as Error).message };
  }
}

/**
 * Liveness of the shell (200 while it serves pages) with its two dependencies: the identity
 * provider (discovery) and the orchestrator. A dependency that is down makes the status
 * "degraded", not a failure of the shell itself, so an orchestrator restart does not get the
 * shell container killed.
 */
export async function GET(): Promise<Response> {
  const config = shellConfig();
  const [identity, orchestrator] = await Promise.all([
    timed(() => discoverEndpoints(config.issuer)),
    timed(async () => {
      const response = await fetch(`${config.orchestratorUrl}/api/health`, { signal: AbortSignal.timeout(2_500), cache: 'no-store' });
      if (!response.ok) throw new Error(`answered ${response.status}`);
    }),
  ]);
  const status = identity.status === 'ok' && orchestrator.status === 'ok' ? 'ok' : 'degraded';
  return NextResponse.json(
    { status, service: 'shell', version: process.env['npm_package_version'] ?? '0.1.0', checks: { identity: { ...identity, issuer: config.issuer }, orchestrator: { ...orchestrator, url: config.orchestratorUrl } } },
    { headers: { 'cache-control': 'no-store' } },
  );
}
