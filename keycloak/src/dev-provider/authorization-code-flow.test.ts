import { createHash } from 'node:crypto';

import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { principalFromClaims } from '../principal.ts';
import { BrowserSession } from '../testing/browser-session.ts';
import { DEMO_PASSWORD, devClients } from '../testing/dev-fixtures.ts';
import { LoginFailedError, loginWithPassword } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';

const ALICE_ID = '148521e5-07e9-450f-831d-0d35330d3f8b';
const clients = devClients();
let idp: DevProvider;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
});
afterAll(async () => {
  await idp.close();
});

describe('authorization code flow with PKCE', () => {
  it('serves discovery and every endpoint at Keycloak\'s paths', async () => {
    const discovery = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const endpoint = (path: string): string => `${idp.issuer}/protocol/openid-connect/${path}`;
    expect(idp.issuer).toBe(`http://localhost:${idp.port}/realms/wrrk`);
    expect(discovery).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: endpoint('auth'),
      token_endpoint: endpoint('token'),
      userinfo_endpoint: endpoint('userinfo'),
      jwks_uri: endpoint('certs'),
      end_session_endpoint: endpoint('logout'),
      introspection_endpoint: endpoint('token/introspect'),
      revocation_endpoint: endpoint('revoke'),
    });
    expect(discovery['code_challenge_methods_supported']).toEqual(['S256']);
  });

  it('signs a demo user in through the login form and issues Keycloak-shaped tokens', async () => {
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD });
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/protocol/openid-connect/certs`));

    const access = await jwtVerify(tokens.accessToken, jwks, { issuer: idp.issuer, audience: 'orchestrator', algorithms: ['RS256'] });
    expect(access.protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(access.payload).toMatchObject({
      sub: ALICE_ID,
      typ: 'Bearer',
      azp: 'shell',
      aud: expect.arrayContaining(['orchestrator', 'account']),
      scope: 'openid email profile',
      preferred_username: 'alice.agent',
      name: 'Alice Agent',
      email: 'alice.agent@acme-corp.example',
      email_verified: true,
      groups: ['/organizations/acme-corp', '/teams/support'],
      realm_access: { roles: expect.arrayContaining(['agent', 'default-roles-wrrk']) },
      'allowed-origins': ['http://localhost:3000'],
      acr: '1',
    });
    expect(access.payload.exp! - access.payload.iat!).toBe(300);

    const id = await jwtVerify(tokens.idToken!, jwks, { issuer: idp.issuer, audience: 'shell', algorithms: ['RS256'] });
    expect(id.payload).toMatchObject({
      sub: ALICE_ID,
      typ: 'ID',
      azp: 'shell',
      nonce: expect.any(String),
      groups: ['/organizations/acme-corp', '/teams/support'],
      realm_access: { roles: expect.arrayContaining(['agent']) },
      preferred_username: 'alice.agent',
    });
    // One browser session: the same `sid` in both tokens (Keycloak's SSO session id).
    expect(id.payload['sid']).toBe(access.payload['sid']);
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, refreshExpiresIn: 1800, scope: 'openid email profile', refreshToken: expect.any(String) });

    const principal = principalFromClaims(access.payload);
    expect(principal.roles).toEqual(['agent']);
    expect(principal.tenants.map((tenant) => tenant.id)).toEqual(['/organizations/acme-corp', '/teams/support', ALICE_ID]);
  });

  it('serves the public dashboard client (keycloak-js) with the orchestrator audience and no secret', async () => {
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.dashboard, username: 'olga.agent', password: DEMO_PASSWORD, scope: 'openid' });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ azp: 'wrrk-dashboard', aud: expect.arrayContaining(['orchestrator']), groups: ['/organizations/globex'] });
    // Keycloak applies the default scopes whatever the client asked for.
    expect(decodeJwt(tokens.idToken!)).toMatchObject({ preferred_username: 'olga.agent', email: 'olga.agent@globex.example' });
  });

  it('serves keycloak-js in the browser: fragment response mode and CORS for the dashboard\'s origin only', async () => {
    const session = new BrowserSession();
    const verifier = 'v'.repeat(64);
    const url = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
    url.search = new URLSearchParams({
      response_type: 'code',
      response_mode: 'fragment',
      client_id: 'wrrk-dashboard',
      redirect_uri: clients.dashboard.redirectUri,
      scope: 'openid',
      state: 'st',
      nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const isCallback = (target: string): boolean => target.startsWith(clients.dashboard.redirectUri);
    const login = await session.navigate(url.href, { stopAt: isCallback });
    if (login.kind !== 'page') throw new Error('expected the login form');
    const redirect = await session.submitForm(login, login.document.querySelector('#kc-form-login')!, { username: 'olga.agent', password: DEMO_PASSWORD }, { stopAt: isCallback });
    if (redirect.kind !== 'redirect') throw new Error('expected the redirect back to the dashboard');
    const code = new URLSearchParams(new URL(redirect.location).hash.slice(1)).get('code')!;

    const exchange = (origin: string): Promise<Response> =>
      fetch(`${idp.issuer}/protocol/openid-connect/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'wrrk-dashboard', code, redirect_uri: clients.dashboard.redirectUri, code_verifier: verifier }),
      });
    const refused = await exchange('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await exchange('http://localhost:3000');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const tokens = (await allowed.json()) as { access_token: string };
    const userinfo = await fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}`, origin: 'http://localhost:3000' } });
    expect(userinfo.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('says "Invalid username or password." for a wrong password, keeps the username, and locks nobody out', async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const failure = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'carol.ceo', password: 'wrong' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LoginFailedError);
      expect((failure as LoginFailedError).message).toBe('Invalid username or password.');
      expect((failure as LoginFailedError).page?.document.querySelector('#username')?.getAttribute('value')).toBe('carol.ceo');
    }
    await expect(loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'nobody', password: DEMO_PASSWORD })).rejects.toThrow('Invalid username or password.');
    // More failures than the production realm's failureFactor, and the right password still works.
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'carol.ceo', password: DEMO_PASSWORD });
    expect(principalFromClaims(decodeJwt(tokens.accessToken)).roles).toEqual(['ceo']);
  });

  it('accepts the e-mail address and any letter case as the login, like Keycloak', async () => {
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'Mark.Manager@ACME-corp.example', password: DEMO_PASSWORD });
    expect(decodeJwt(tokens.accessToken)['preferred_username']).toBe('mark.manager');
  });

  it('signs in again without the form while the browser session lasts (single sign-on)', async () => {
    const first = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'adam.admin', password: DEMO_PASSWORD });
    // The password is not checked again: no form is shown, the session answers at once.
    const second = await loginWithPassword({ issuer: idp.issuer, ...clients.dashboard, username: 'ignored', password: 'ignored', session: first.session });
    expect(decodeJwt(second.accessToken)).toMatchObject({ preferred_username: 'adam.admin', azp: 'wrrk-dashboard', sid: decodeJwt(first.accessToken)['sid'] });
  });

  it('requires PKCE with S256 from both browser clients', async () => {
    for (const client of [clients.shell, clients.dashboard]) {
      const url = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
      url.search = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid', state: 's' }).toString();
      const result = await new BrowserSession().navigate(url.href, { stopAt: (target) => target.startsWith(client.redirectUri) });
      expect(result.kind).toBe('redirect');
      const params = new URL(result.kind === 'redirect' ? result.location : '').searchParams;
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('error_description')).toMatch(/PKCE/);

      url.searchParams.set('code_challenge', 'a'.repeat(43));
      url.searchParams.set('code_challenge_method', 'plain');
      const plain = await new BrowserSession().navigate(url.href, { stopAt: (target) => target.startsWith(client.redirectUri) });
      expect(plain.kind === 'redirect' && new URL(plain.location).searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('refuses scopes the realm does not have, and microprofile-jwt (it would overwrite groups in Keycloak)', async () => {
    await expect(loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD, scope: 'openid tenants' })).rejects.toThrow(
      'authorization failed: invalid_scope: Invalid scopes: openid tenants',
    );
    await expect(loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD, scope: 'openid microprofile-jwt' })).rejects.toThrow(/replace the groups claim/);
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD, scope: 'openid phone roles' });
    expect(decodeJwt(tokens.accessToken)['scope']).toBe('openid email phone profile');
  });

  it('refuses a redirect URI the realm does not register, with Keycloak\'s message', async () => {
    const url = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: 'shell', redirect_uri: 'https://evil.example/cb', scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString();
    const page = await new BrowserSession().navigate(url.href);
    expect(page.kind === 'page' && page.status).toBe(400);
    expect(page.kind === 'page' && page.document.querySelector('#kc-error-message')?.textContent).toMatch('Invalid parameter: redirect_uri');
  });

  it('serves userinfo for access tokens with the openid scope, and refuses other tokens', async () => {
    const tokens = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD });
    const userinfo = (token?: string): Promise<Response> =>
      fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    const ok = await userinfo(tokens.accessToken);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      sub: ALICE_ID,
      name: 'Alice Agent',
      preferred_username: 'alice.agent',
      given_name: 'Alice',
      family_name: 'Agent',
      email: 'alice.agent@acme-corp.example',
      email_verified: true,
      groups: ['/organizations/acme-corp', '/teams/support'],
      realm_access: { roles: ['default-roles-wrrk', 'agent', 'offline_access', 'uma_authorization'] },
    });
    expect((await userinfo()).status).toBe(401);
    const withIdToken = await userinfo(tokens.idToken);
    expect(withIdToken.status).toBe(401);
    expect(await withIdToken.json()).toMatchObject({ error: 'invalid_token', error_description: expect.stringMatching(/not an access token/) });
  });
});
