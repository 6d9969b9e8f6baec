import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const shellDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(shellDir, '..');

/**
 * Headers that never depend on the environment are set here (they also cover static assets).
 * The Content-Security-Policy, framing and permission headers depend on runtime variables
 * (CHATWOOT_URL, ELEMENT_URL, JITSI_URL, OIDC_ISSUER) and carry a per-request nonce, so the
 * proxy (src/proxy.ts) sets those: next.config headers are frozen at build time, and one image
 * must serve every deployment.
 */
const staticSecurityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-DNS-Prefetch-Control', value: 'off' },
];

const config: NextConfig = {
  output: 'standalone',
  // The monorepo root, so the standalone output carries the workspace packages it imports.
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  transpilePackages: ['@wrrk/keycloak'],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: '/:path*', headers: staticSecurityHeaders }];
  },
  async redirects() {
    // `/app/approvals/<id>` (the link in Chatwoot notes and Matrix notices) opens it in the queue.
    return [{ source: '/app/approvals/:id([0-9a-fA-F-]{36})', destination: '/app/approvals?status=all&id=:id', permanent: false }];
  },
};

export default config;
