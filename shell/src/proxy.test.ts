import { describe, expect, it } from 'vitest';
import { gateFor } from './proxy';

describe('which requests need a session', () => {
  it('guards every page under /app and the shell API', () => {
    for (const path of ['/app', '/app/approvals', '/app/audit/x']) expect(gateFor(path)).toBe('page');
    for (const path of ['/api/approvals', '/api/events', '/api/session', '/api/tenant']) expect(gateFor(path)).toBe('api');
  });

  it('leaves sign-in, next-auth, health, sign-out and the Chatwoot dashboard app public', () => {
    for (const path of ['/', '/signin', '/chatwoot-app', '/api/auth/callback/keycloak', '/api/health', '/api/session/sign-out', '/api/chatwoot-app/approvals', '/application']) expect(gateFor(path)).toBe('public');
  });
});
