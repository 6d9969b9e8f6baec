import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, permissionsPolicy, securityHeaders, type HeaderConfig } from './security-headers';

const config: HeaderConfig = {
  nonce: 'abc123',
  chatwootOrigin: 'https://chat.example.com',
  elementOrigin: 'https://element.example.com',
  jitsiOrigin: 'https://meet.example.com',
  issuerOrigin: 'https://id.example.com',
  https: true,
  development: false,
};
const directive = (csp: string, name: string) => csp.split('; ').find((part) => part.startsWith(`${name} `))?.slice(name.length + 1).split(' ');

describe('security headers', () => {
  it('frames exactly the configured systems and nothing frames the shell', () => {
    const csp = contentSecurityPolicy('/app/inbox', config);
    expect(directive(csp, 'frame-src')).toEqual(['https://chat.example.com', 'https://element.example.com', 'https://meet.example.com']);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'", 'https://meet.example.com']);
    expect(directive(csp, 'style-src')).toEqual(["'self'", "'nonce-abc123'"]);
    expect(directive(csp, 'form-action')).toEqual(["'self'", 'https://id.example.com']);
    expect(csp).toContain('upgrade-insecure-requests');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('frames nothing when no system is configured', () => {
    const csp = contentSecurityPolicy('/app', { ...config, chatwootOrigin: null, elementOrigin: null, jitsiOrigin: null, https: false });
    expect(directive(csp, 'frame-src')).toEqual(["'none'"]);
    expect(directive(csp, 'script-src')).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('lets only Chatwoot frame the dashboard app, which talks to the identity provider itself', () => {
    for (const path of ['/chatwoot-app', '/chatwoot-app/escalate']) {
      const csp = contentSecurityPolicy(path, config);
      expect(directive(csp, 'frame-ancestors')).toEqual(['https://chat.example.com']);
      expect(directive(csp, 'connect-src')).toEqual(["'self'", 'https://id.example.com']);
      expect(directive(csp, 'frame-src')).toEqual(['https://id.example.com']);
      expect(securityHeaders(path, config)['X-Frame-Options']).toBeUndefined();
      expect(securityHeaders(path, config)['Cross-Origin-Opener-Policy']).toBeUndefined();
    }
    expect(directive(contentSecurityPolicy('/chatwoot-app', { ...config, chatwootOrigin: null }), 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(contentSecurityPolicy('/chatwoot-applied', config), 'frame-ancestors')).toEqual(["'none'"]);
  });

  it('allows camera and microphone for the shell and Jitsi only', () => {
    expect(permissionsPolicy(config)).toContain('camera=(self "https://meet.example.com")');
    expect(permissionsPolicy({ jitsiOrigin: null })).toContain('microphone=(self)');
    expect(permissionsPolicy(config)).toContain('geolocation=()');
  });

  it('sends DENY and HSTS on https for ordinary pages', () => {
    const headers = securityHeaders('/app/approvals', config);
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['Strict-Transport-Security']).toContain('max-age=');
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(securityHeaders('/app', { ...config, https: false })['Strict-Transport-Security']).toBeUndefined();
  });

  it('relaxes only what the development server needs', () => {
    const csp = contentSecurityPolicy('/app', { ...config, development: true });
    expect(directive(csp, 'script-src')).toContain("'unsafe-eval'");
    expect(directive(csp, 'style-src')).toContain("'unsafe-inline'");
  });
});
