import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BrowserSession } from '../testing/browser-session.ts';
import { DEMO_PASSWORD, devClients, type DevClient } from '../testing/dev-fixtures.ts';
import { LoginFailedError, loginWithPassword, logout, refreshTokens, TokenRequestError } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';

const clients = devClients();
let idp: DevProvider;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
});
afterAll(async () => {
  await idp.close();
});

const signIn = (username = 'alice.agent', client: DevClient = clients.shell, session?: BrowserSession) =>
  loginWithPassword({ issuer: idp.issuer, ...client, username, password: DEMO_PASSWORD, session });
const refresh = (refreshToken: string, client: { clientId: string; clientSecret?: string } = clients.shell) =>
  refreshTokens({ issuer: idp.issuer, clientId: client.clientId, clientSecret: client.clientSecret, refreshToken });
const userinfoStatus = async (accessToken: string): Promise<number> =>
  (await fetch(`${idp.issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

describe('refresh tokens', () => {
  it('rotate on every refresh, and a used refresh token is rejected', async () => {
    const login = await signIn();
    const refreshed = await refresh(login.refreshToken!);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    expect(refreshed.idToken).toEqual(expect.any(String));
    const before = decodeJwt(login.accessToken);
    const after = decodeJwt(refreshed.accessToken);
    expect(after.jti).not.toBe(before.jti);
    expect(after).toMatchObject({ sub: before.sub, sid: before['sid'], auth_time: before['auth_time'], groups: before['groups'], scope: 'openid email profile' });

    const reuse = await refresh(login.refreshToken!).catch((error: unknown) => error);
    expect(reuse).toBeInstanceOf(TokenRequestError);
    expect(reuse).toMatchObject({ status: 400, error: 'invalid_grant' });
    // As in Keycloak, the reuse is refused but the session and the newer token stay valid
    // (two tabs refreshing at once must not sign the user out).
    expect(await userinfoStatus(refreshed.accessToken)).toBe(200);
    await expect(refresh(refreshed.refreshToken!)).resolves.toMatchObject({ refreshToken: expect.any(String) });
  });

  it('work for the public client without a secret, and only for the client they were issued to', async () => {
    const login = await signIn('olga.agent', clients.dashboard);
    const other = await refresh(login.refreshToken!, clients.shell).catch((error: unknown) => error);
    expect(other).toMatchObject({ error: 'invalid_grant' });
    const own = await signIn('olga.agent', clients.dashboard);
    expect(decodeJwt((await refresh(own.refreshToken!, clients.dashboard)).accessToken)['azp']).toBe('wrrk-dashboard');
  });
});

describe('logout (RP-initiated)', () => {
  it('with id_token_hint ends the browser session without asking, and returns to the app with its state', async () => {
    const login = await signIn();
    const dashboard = await signIn('alice.agent', clients.dashboard, login.session);

    const result = await logout({ issuer: idp.issuer, session: login.session, idToken: login.idToken!, postLogoutRedirectUri: clients.shell.postLogoutRedirectUri, state: 'xyz' });
    expect(result.location).toBe(`${clients.shell.postLogoutRedirectUri}?state=xyz`);

    // The whole SSO session is gone: every client's refresh token, userinfo, and the cookie.
    await expect(refresh(login.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(refresh(dashboard.refreshToken!, clients.dashboard)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await userinfoStatus(login.accessToken)).toBe(401);
    // Signing in again shows the login form (with single sign-on the wrong password would pass unchecked).
    const again = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'alice.agent', password: 'wrong', session: login.session }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(LoginFailedError);
    expect((again as LoginFailedError).message).toBe('Invalid username or password.');
  });

  it('without id_token_hint asks "Do you want to log out?", as Keycloak does', async () => {
    const login = await signIn('mark.manager');
    const url = new URL(`${idp.issuer}/protocol/openid-connect/logout`);
    url.search = new URLSearchParams({ client_id: 'shell', post_logout_redirect_uri: clients.shell.postLogoutRedirectUri }).toString();
    const page = await login.session.navigate(url.href);
    expect(page.kind).toBe('page');
    if (page.kind !== 'page') return;
    expect(page.document.querySelector('.instruction')?.textContent).toBe('Do you want to log out?');
    expect(page.document.querySelector('#kc-logout')).not.toBeNull();
    // Still signed in until the user confirms.
    expect(await userinfoStatus(login.accessToken)).toBe(200);
    const confirmed = await login.session.submitForm(page, page.document.querySelector('form')!, {}, { stopAt: (target) => target.startsWith(clients.shell.postLogoutRedirectUri) });
    expect(confirmed).toEqual({ kind: 'redirect', location: clients.shell.postLogoutRedirectUri });
    expect(await userinfoStatus(login.accessToken)).toBe(401);
  });

  it('refuses a post-logout redirect the realm does not register', async () => {
    const login = await signIn('carol.ceo');
    const result = await logout({ issuer: idp.issuer, session: login.session, idToken: login.idToken!, postLogoutRedirectUri: 'https://evil.example/' });
    expect(result.location).toBeUndefined();
    expect(result.page?.status).toBe(400);
    expect(result.page?.document.querySelector('#kc-error-message')?.textContent).toMatch('post_logout_redirect_uri not registered');
    expect(await userinfoStatus(login.accessToken)).toBe(200);
  });
});
