import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureProductionBuild } from './support/build.ts';
import { launchBrowser, newPerson, screenshot, signIn } from './support/browser.ts';
import { startStack, type Stack } from './support/stack.ts';

/**
 * The session's life: tokens stay on the server, a short-lived access token is renewed before
 * it expires with refresh-token rotation, a burst of parallel requests at the moment of renewal
 * does not trip the provider's reuse detection (which revokes the whole grant), and a session
 * the provider no longer knows sends the user to sign in instead of a broken page.
 *
 * The realm's access tokens live 50 s here; the shell renews 45 s before expiry, so a renewal is
 * due 5 s after each one.
 */

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  await ensureProductionBuild();
  stack = await startStack({ realmOverrides: { accessTokenLifespan: 50 } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the session', () => {
  it('keeps tokens out of the browser', async () => {
    const alice = await newPerson(browser);
    await signIn(alice.page, stack.shellUrl, 'alice.agent');
    expect(await alice.page.evaluate(() => document.cookie)).not.toContain('session-token');
    const session = await alice.page.evaluate(async () => (await fetch('/api/auth/session')).text());
    expect(session).toContain('Alice Agent');
    expect(session).not.toMatch(/accessToken|refreshToken|idToken|tokens|eyJ/);
    const me = await alice.page.evaluate(async () => (await fetch('/api/session')).text());
    expect(me).not.toMatch(/eyJ/);
    const cookies = await alice.context.cookies();
    const sessionCookies = cookies.filter((cookie) => cookie.name.startsWith('next-auth.session-token'));
    expect(sessionCookies.length).toBeGreaterThan(0);
    expect(sessionCookies.every((cookie) => cookie.httpOnly && cookie.sameSite === 'Lax')).toBe(true);
    await alice.context.close();
  });

  it('renews with rotation, once for a burst of parallel requests, and again later with the rotated token', async () => {
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    const before = (await carol.context.cookies()).filter((cookie) => cookie.name.startsWith('next-auth.session-token')).map((cookie) => cookie.value).join('');
    await sleep(6_000);

    // Twelve requests leave at once, all carrying the session whose token is due for renewal.
    const statuses = await carol.page.evaluate(async () => Promise.all(Array.from({ length: 12 }, () => fetch('/api/session').then((response) => response.status))));
    expect(statuses).toEqual(Array(12).fill(200));
    const after = (await carol.context.cookies()).filter((cookie) => cookie.name.startsWith('next-auth.session-token')).map((cookie) => cookie.value).join('');
    expect(after).not.toBe(before);

    // Once the renewed token is itself due, the next renewal uses the rotated refresh token.
    await sleep(6_000);
    await carol.page.goto(`${stack.shellUrl}/app/approvals`);
    expect(new URL(carol.page.url()).pathname).toBe('/app/approvals');
    expect(await carol.page.evaluate(async () => (await fetch('/api/approvals')).status)).toBe(200);
    await sleep(6_000);
    await carol.page.goto(`${stack.shellUrl}/app/audit`);
    expect(new URL(carol.page.url()).pathname).toBe('/app/audit');
    await carol.context.close();
  });

  it('sends the user to sign in when the provider no longer knows the session', async () => {
    const mark = await newPerson(browser);
    await signIn(mark.page, stack.shellUrl, 'mark.manager');
    await stack.restartIdp();
    await sleep(6_000);
    await mark.page.goto(`${stack.shellUrl}/app/approvals`);
    await mark.page.waitForURL(/\/signin\?/);
    const url = new URL(mark.page.url());
    expect(url.searchParams.get('error')).toBe('SessionExpired');
    expect(url.searchParams.get('callbackUrl')).toBe('/app/approvals');
    await mark.page.getByText('Your session has ended').waitFor();
    await screenshot(mark.page, '09-session-expired');
    expect(await mark.page.evaluate(async () => (await fetch('/api/approvals')).status)).toBe(401);

    // Signing in again returns to where the user was.
    await mark.page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await mark.page.waitForSelector('form#kc-form-login');
    await mark.page.fill('#username', 'mark.manager');
    await mark.page.fill('#password', 'demo');
    await mark.page.click('#kc-login');
    await mark.page.waitForURL((next) => next.pathname === '/app/approvals');
    await mark.context.close();
  });
});
