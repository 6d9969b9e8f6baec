import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { decodeJwt } from 'jose';
import { ensureProductionBuild } from './support/build.ts';
import { launchBrowser, newPerson, screenshot, signIn, waitForLive } from './support/browser.ts';
import { escalate } from './support/flows.ts';
import { startStack, type Stack } from './support/stack.ts';
import { startChatwootDouble, startElementDouble, startJitsiDouble, type SystemDouble } from './support/systems-double.ts';

/**
 * With Chatwoot, Element and Jitsi configured (local doubles on their own origins): the CSP
 * names exactly those origins, the modules frame them on the tenant's context, and a
 * consultation opened from a decision is joined through Jitsi's IFrame API with the user's own
 * meeting token, its end reflected live in another browser.
 */

let stack: Stack;
let browser: Browser;
let chatwoot: SystemDouble;
let element: SystemDouble;
let jitsi: SystemDouble;

beforeAll(async () => {
  await ensureProductionBuild();
  [chatwoot, element, jitsi] = await Promise.all([startChatwootDouble(), startElementDouble(), startJitsiDouble()]);
  stack = await startStack({
    shellEnv: { CHATWOOT_URL: chatwoot.url, ELEMENT_URL: element.url, JITSI_URL: jitsi.url },
    orchestratorEnv: { JITSI_URL: jitsi.url, JITSI_APP_ID: 'wrrk', JITSI_APP_SECRET: 'e2e-jitsi-app-secret-0123456789abcdef' },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await Promise.all([chatwoot?.close(), element?.close(), jitsi?.close()]);
});

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('embedded systems', () => {
  it('allows exactly the configured origins, and lets only Chatwoot frame the dashboard app', async () => {
    const page = await fetch(`${stack.shellUrl}/signin`);
    const csp = directives(page.headers.get('content-security-policy') ?? '');
    expect(csp.get('frame-src')!.sort()).toEqual([chatwoot.url, element.url, jitsi.url].sort());
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toContain("'strict-dynamic'");
    expect(csp.get('script-src')!.some((value) => value.startsWith("'nonce-"))).toBe(true);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');

    const app = await fetch(`${stack.shellUrl}/chatwoot-app`);
    const appCsp = directives(app.headers.get('content-security-policy') ?? '');
    expect(appCsp.get('frame-ancestors')).toEqual([chatwoot.url]);
    expect(appCsp.get('connect-src')).toContain(new URL(stack.issuer).origin);
    expect(app.headers.get('x-frame-options')).toBeNull();

    // The dashboard app's API is not behind the shell session (it brings its own bearer token).
    const api = await fetch(`${stack.shellUrl}/api/chatwoot-app/context`);
    expect(await api.text()).not.toContain('"error":"sign in first","code":"unauthenticated"');
    // Everything else of the shell's API is.
    const guarded = await fetch(`${stack.shellUrl}/api/approvals`);
    expect(guarded.status).toBe(401);
    expect(await guarded.json()).toMatchObject({ error: 'sign in first', code: 'unauthenticated', requestId: expect.any(String), timestamp: expect.any(String) });
  });

  it('frames Chatwoot and Element in their modules, with health from their own endpoints', async () => {
    const alice = await newPerson(browser);
    await signIn(alice.page, stack.shellUrl, 'alice.agent');
    const inbox = alice.page.frameLocator('iframe[title^="Chatwoot inbox"]');
    await inbox.getByText('Chatwoot double: dashboard').waitFor();
    expect(await alice.page.locator('iframe[title^="Chatwoot inbox"]').getAttribute('src')).toBe(`${chatwoot.url}/app`);
    await alice.page.locator('[data-testid="nav-inbox"] .status-dot[data-status="ok"]').filter({ visible: true }).waitFor();
    await screenshot(alice.page, '20-inbox-embedded');

    await alice.page.getByTestId('nav-chat').click();
    await alice.page.frameLocator('iframe[title^="Team chat"]').getByText('Element double').waitFor();
    expect(await alice.page.locator('iframe[title^="Team chat"]').getAttribute('src')).toBe(`${element.url}/#/home`);
    expect(chatwoot.requests).toContain('GET /health');
    expect(element.requests).toContain('GET /version');
    expect(alice.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    await alice.context.close();
  });

  it('approve and open a consultation, join it through the IFrame API, and see it end live elsewhere', async () => {
    const alice = await newPerson(browser);
    await signIn(alice.page, stack.shellUrl, 'alice.agent');
    const id = await escalate(alice.page, { title: 'Call the customer about the outage credit', priority: 'urgent', conversation: `${chatwoot.url}/app/accounts/3/conversations/9` });

    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    await carol.page.goto(`${stack.shellUrl}/app/approvals?id=${id}`);
    await carol.page.getByTestId('approve-consult').click();
    await carol.page.waitForURL(/\/app\/consultations\/[0-9a-f-]{36}$/);
    const consultationPath = new URL(carol.page.url()).pathname;
    await carol.page.getByTestId('join').click();
    await carol.page.frameLocator('.jitsi-stage iframe').getByText(/Jitsi double: room wrrk-/).waitFor();
    const joined = (await carol.page.evaluate(() => (window as unknown as { __jitsi: { domain: string; roomName: string; jwt: string } }).__jitsi))!;
    expect(joined.domain).toBe(new URL(jitsi.url).host);
    const claims = decodeJwt(joined.jwt) as { room?: string; moderator?: boolean; context?: { user?: { name?: string } } };
    expect(claims.room).toBe(joined.roomName);
    expect(claims.context?.user?.name).toBe('Carol Ceo');
    // The host's arrival starts the consultation for everyone.
    await carol.page.locator('[data-testid="consultation"][data-status="active"]').filter({ visible: true }).waitFor();
    await screenshot(carol.page, '21-consultation-joined');

    // Alice follows the same consultation; the host ends it and her page shows it without reloading.
    await alice.page.goto(`${stack.shellUrl}${consultationPath}`);
    await waitForLive(alice.page);
    await alice.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await carol.page.getByRole('button', { name: 'End for everyone' }).click();
    await alice.page.locator('[data-testid="consultation"][data-status="ended"]').waitFor({ timeout: 15_000 });
    expect(await alice.page.getByTestId('consultation-status').textContent()).toBe('Ended');
    expect(await alice.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await screenshot(alice.page, '22-consultation-ended-live');
    expect(carol.problems.filter((p) => !p.includes('favicon'))).toEqual([]);

    await carol.page.goto(`${stack.shellUrl}/app/settings`);
    await carol.page.getByTestId('systems').locator('[data-module="consultations"][data-status="ok"]').filter({ visible: true }).waitFor(); // hidden streaming copies may exist briefly
    await screenshot(carol.page, '23-settings');
    await alice.context.close();
    await carol.context.close();
  });

  it('explains an empty frame when a configured system stops answering', async () => {
    await element.close();
    const alice = await newPerson(browser);
    await signIn(alice.page, stack.shellUrl, 'alice.agent', '/app/chat');
    // Healthy answers are cached for 20 s; reload until the probe has seen the outage.
    await expect
      .poll(async () => {
        await alice.page.goto(`${stack.shellUrl}/app/chat`);
        return alice.page.getByTestId('embed-health').count();
      }, { timeout: 40_000, interval: 2_000 })
      .toBe(1);
    expect(await alice.page.getByTestId('embed-health').textContent()).toContain('ELEMENT_URL');
    await screenshot(alice.page, '24-element-unreachable');
    await alice.context.close();
  });
});
