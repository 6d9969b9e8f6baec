/**
 * The development provider signs anyone in with a demo password: it must never run in
 * production by accident. It refuses to start when NODE_ENV=production, unless
 * DEV_OIDC_FORCE=1 says so explicitly (for example a throw-away demo deployment).
 */
export class DevProviderRefusedError extends Error {
  constructor() {
    super(
      'refusing to start the development OpenID provider with NODE_ENV=production: ' +
        'point OIDC_ISSUER at Keycloak instead, or set DEV_OIDC_FORCE=1 for a throw-away demo',
    );
    this.name = 'DevProviderRefusedError';
  }
}

export function assertDevelopmentEnvironment(env: Readonly<Record<string, string | undefined>>): void {
  if (env['NODE_ENV'] === 'production' && env['DEV_OIDC_FORCE'] !== '1') throw new DevProviderRefusedError();
}
