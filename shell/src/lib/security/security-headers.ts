/**
 * Content-Security-Policy and the other response headers that depend on configuration.
 *
 * - Scripts: only the shell's own, via a per-request nonce and 'strict-dynamic' (so the Jitsi
 *   IFrame API script the shell inserts itself may load); the Jitsi origin is listed as well for
 *   browsers without 'strict-dynamic'.
 * - Frames: exactly the configured embedded systems (CHATWOOT_URL, ELEMENT_URL, JITSI_URL); none
 *   when none is configured.
 * - Being framed: never, except the Chatwoot dashboard-app page, which Chatwoot (CHATWOOT_URL)
 *   alone may frame, and which talks to the identity provider itself (keycloak-js).
 */
export interface HeaderConfig {
  nonce: string;
  chatwootOrigin: string | null;
  elementOrigin: string | null;
  jitsiOrigin: string | null;
  issuerOrigin: string | null;
  https: boolean;
  development: boolean;
}

export const DASHBOARD_APP_PATH = '/chatwoot-app';

export function isDashboardAppPath(pathname: string): boolean {
  return pathname === DASHBOARD_APP_PATH || pathname.startsWith(`${DASHBOARD_APP_PATH}/`);
}

const list = (...values: Array<string | null | false>) => [...new Set(values.filter((value): value is string => Boolean(value)))];

export function contentSecurityPolicy(pathname: string, config: HeaderConfig): string {
  const dashboardApp = isDashboardAppPath(pathname);
  const frames = dashboardApp ? list(config.issuerOrigin) : list(config.chatwootOrigin, config.elementOrigin, config.jitsiOrigin);
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': list("'self'", `'nonce-${config.nonce}'`, "'strict-dynamic'", config.jitsiOrigin, config.development && "'unsafe-eval'"),
    // Inline style attributes stay blocked; the development overlay needs them.
    'style-src': list("'self'", config.development ? "'unsafe-inline'" : `'nonce-${config.nonce}'`),
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': list("'self'", dashboardApp && config.issuerOrigin, config.development && 'ws:'),
    'media-src': ["'self'", 'blob:'],
    'frame-src': frames.length ? frames : ["'none'"],
    'child-src': frames.length ? frames : ["'none'"],
    'worker-src': ["'self'", 'blob:'],
    'frame-ancestors': dashboardApp ? (config.chatwootOrigin ? [config.chatwootOrigin] : ["'none'"]) : ["'none'"],
    // Sign-out posts a form that redirects to the identity provider's end-session endpoint.
    'form-action': list("'self'", config.issuerOrigin),
    'base-uri': ["'self'"],
    'object-src': ["'none'"],
    'manifest-src': ["'self'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(' ')}`);
  if (config.https) policy.push('upgrade-insecure-requests');
  return policy.join('; ');
}

/** Camera and microphone only for the shell itself and Jitsi (consultations); nothing else. */
export function permissionsPolicy(config: Pick<HeaderConfig, 'jitsiOrigin'>): string {
  const media = config.jitsiOrigin ? `(self "${config.jitsiOrigin}")` : '(self)';
  return [
    `camera=${media}`,
    `microphone=${media}`,
    `display-capture=${media}`,
    `autoplay=${media}`,
    `clipboard-write=${media}`,
    'geolocation=()',
    'payment=()',
    'usb=()',
  ].join(', ');
}

export function securityHeaders(pathname: string, config: HeaderConfig): Record<string, string> {
  const dashboardApp = isDashboardAppPath(pathname);
  const headers: Record<string, string> = {
    'Content-Security-Policy': contentSecurityPolicy(pathname, config),
    'Permissions-Policy': permissionsPolicy(config),
  };
  // frame-ancestors governs framing; X-Frame-Options cannot express "only Chatwoot", so the
  // dashboard app sends none and everything else sends DENY for old browsers.
  if (!dashboardApp) {
    headers['X-Frame-Options'] = 'DENY';
    headers['Cross-Origin-Resource-Policy'] = 'same-origin';
    // Not on the dashboard app: its sign-in popup hands the token back through window.opener,
    // and any opener policy there would sever that link (the opener's top page is Chatwoot).
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
  }
  if (config.https) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
