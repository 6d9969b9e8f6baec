import { describe, expect, it } from 'vitest';

import { postLogoutRedirectUris, redirectUriAllowed, resolveWebOrigins } from './redirect-uris.ts';

describe('Keycloak redirect URI rules', () => {
  it('matches exact URIs exactly', () => {
    const registered = ['http://localhost:3000/api/auth/callback/keycloak'];
    expect(redirectUriAllowed('http://localhost:3000/api/auth/callback/keycloak', registered)).toBe(true);
    expect(redirectUriAllowed('http://localhost:3000/api/auth/callback/keycloak/', registered)).toBe(false);
    expect(redirectUriAllowed('http://localhost:3000/api/auth/callback/keycloak?x=1', registered)).toBe(false);
    expect(redirectUriAllowed('http://localhost:3001/api/auth/callback/keycloak', registered)).toBe(false);
  });

  it('treats a trailing * as a prefix match (query ignored), including the path without its slash', () => {
    const registered = ['http://localhost:3000/chatwoot-app/*'];
    expect(redirectUriAllowed('http://localhost:3000/chatwoot-app/', registered)).toBe(true);
    expect(redirectUriAllowed('http://localhost:3000/chatwoot-app', registered)).toBe(true);
    expect(redirectUriAllowed('http://localhost:3000/chatwoot-app/conversation/7?tab=1', registered)).toBe(true);
    expect(redirectUriAllowed('http://localhost:3000/chatwoot-apps', registered)).toBe(false);
    expect(redirectUriAllowed('http://localhost:3000/other?next=/chatwoot-app/', registered)).toBe(false);
    expect(redirectUriAllowed('http://localhost:3000/chatwoot-app/../admin', registered)).toBe(false);
  });

  it('reads post-logout URIs joined by ## and + for the redirect URIs', () => {
    expect(postLogoutRedirectUris('http://a/*##+', ['http://b/cb'])).toEqual(['http://a/*', 'http://b/cb']);
    expect(postLogoutRedirectUris(undefined, ['http://b/cb'])).toEqual([]);
  });

  it('resolves web origins, + from the redirect URIs', () => {
    expect(resolveWebOrigins(['+', 'https://x.example/'], ['http://localhost:3000/chatwoot-app/*'])).toEqual(['http://localhost:3000', 'https://x.example']);
  });
});
