/**
 * The login and logout pages in a real browser (Chromium): Keycloak's element ids, the error
 * message, the one-click demo sign-in, and logout with `id_token_hint` going straight back to
 * the application without a confirmation click.
 */
import { createHash, randomBytes } from 'node:crypto';

import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devClients } from '../testing/dev-fixtures.ts';
import { startDevProvider, type DevProvider } from './index.ts';

const shell = devClients().shell;
const SHELL_ORIGIN = new URL(shell.redirectUri).origin;
let idp: DevProvider;
let browser: Browser;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

/** A page whose requests to the shell are answered by the test (no shell needed). */
async function newPage(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.route(`${SHELL_ORIGIN}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>shell</h1>' }));
  return page;
}

function authorizationUrl(): { url: string; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${idp.issuer}/protocol/openid-connect/auth`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: shell.clientId,
    redirect_uri: shell.redirectUri,
    scope: 'openid profile email',
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, verifier };
}

describe('login page in a browser', () => {
  it('shows Keycloak\'s error for a wrong password, then signs in with the demo button and logs out without asking', async () => {
    const page = await newPage();
    const { url, verifier } = authorizationUrl();
    await page.goto(url);
    await expect(page.title()).resolves.toBe('Sign in to wrrk');

    await page.fill('#username', 'carol.ceo');
    await page.fill('#password', 'not-the-password');
    await page.click('#kc-login');
    await expect(page.locator('#input-error').textContent()).resolves.toBe('Invalid username or password.');
    await expect(page.inputValue('#username')).resolves.toBe('carol.ceo');

    await page.click('button.demo-login[data-username="alice.agent"]');
    await page.waitForURL(`${shell.redirectUri}?**`);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('st');

    const response = await fetch(`${idp.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${shell.clientId}:${shell.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: shell.redirectUri, code_verifier: verifier }),
    });
    const tokens = (await response.json()) as { id_token: string };

    const logout = new URL(`${idp.issuer}/protocol/openid-connect/logout`);
    logout.search = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: shell.postLogoutRedirectUri, state: 'bye' }).toString();
    await page.goto(logout.href);
    await page.waitForURL(`${shell.postLogoutRedirectUri}?state=bye`);

    // Signed out: the next authorization request shows the login form again.
    await page.goto(authorizationUrl().url);
    await expect(page.locator('form#kc-form-login').count()).resolves.toBe(1);
  });
});
