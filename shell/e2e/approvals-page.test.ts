import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureProductionBuild } from './support/build.ts';
import { launchBrowser, newPerson, screenshot, signIn, waitForLive } from './support/browser.ts';
import { recordFigure } from './support/figures.ts';
import { escalate } from './support/flows.ts';
import { startStack, type Stack } from './support/stack.ts';

/**
 * The CEO's page beyond the happy path: a decision that loses a race is told plainly, the
 * queue works from the keyboard and on a phone, switching tenants re-scopes everything without
 * signing in again, and the figures for the closing note (time to interactive, first-load JS).
 */

let stack: Stack;
let browser: Browser;
let alice: Awaited<ReturnType<typeof newPerson>>;

beforeAll(async () => {
  await ensureProductionBuild();
  stack = await startStack();
  browser = await launchBrowser();
  alice = await newPerson(browser);
  await signIn(alice.page, stack.shellUrl, 'alice.agent');
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Opens an approval the way links from Chatwoot notes and Matrix notices do. */
async function openApproval(page: Page, id: string) {
  await page.goto(`${stack.shellUrl}/app/approvals/${id}`);
  expect(page.url()).toBe(`${stack.shellUrl}/app/approvals?status=all&id=${id}`);
  // While the page streams in, React briefly holds hidden copies of the content: wait for the shown one.
  await page.locator(`[data-approval="${id}"]`).filter({ visible: true }).waitFor();
}

describe('the approvals page', () => {
  it('shows a 409 plainly when another decision got there first', async () => {
    const id = await escalate(alice.page, { title: 'Waive the setup fee for Initech', priority: 'medium' });

    // Adam (admin) has the approval open, but his live updates are cut, as on a flaky train.
    const adam = await newPerson(browser);
    await signIn(adam.page, stack.shellUrl, 'adam.admin');
    await adam.context.route('**/api/events*', (route) => route.abort());
    await openApproval(adam.page, id);
    await adam.page.getByTestId('reject').waitFor();

    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    await openApproval(carol.page, id);
    await carol.page.getByTestId('approve').click();
    await carol.page.getByTestId('decision-summary').waitFor();

    await adam.page.getByLabel(/Comment/).fill('Not this quarter.');
    await adam.page.getByTestId('reject').click();
    const problem = adam.page.getByTestId('decision-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('Already decided elsewhere');
    expect(await problem.textContent()).toContain('Approval is already approved');
    // The page then shows what really happened.
    await adam.page.getByTestId('decision-summary').getByText('by Carol Ceo').waitFor();
    expect(await adam.page.getByTestId('detail-status').textContent()).toBe('approved');
    await screenshot(adam.page, '10-conflict-409');

    // One decision in the trail, not two.
    const history = await carol.page.evaluate(async (approvalId) => ((await (await fetch(`/api/approvals/${approvalId}`)).json()) as { history: Array<{ action: string }> }).history.map((entry) => entry.action), id);
    expect(history).toEqual(['approval.created', 'approval.approved']);
    await adam.context.close();
    await carol.context.close();
  });

  it('offers decisions only to those who may decide (never the requester)', async () => {
    const id = await escalate(alice.page, { title: 'Extend the Hooli trial by a month', priority: 'low' });
    await openApproval(alice.page, id);
    expect(await alice.page.getByTestId('approve').count()).toBe(0);
    await alice.page.getByText('Waiting for the CEO').waitFor();

    const mark = await newPerson(browser);
    await signIn(mark.page, stack.shellUrl, 'mark.manager');
    await openApproval(mark.page, id);
    expect(await mark.page.getByTestId('approve').count()).toBe(0);
    await mark.page.getByText('Waiting for a decision by the CEO.').waitFor();
    await mark.context.close();
    await alice.page.goto(`${stack.shellUrl}/app/inbox`);
  });

  it('works from the keyboard: j/k to move, a to approve with a confirmation', async () => {
    const id = await escalate(alice.page, { title: 'Replace the broken router for Globex Europe', priority: 'urgent' });
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    await waitForLive(carol.page);
    await carol.page.locator(`[data-approval-id="${id}"]`).filter({ visible: true }).waitFor();
    // The urgent one is due first, so it leads the queue.
    expect(await carol.page.locator('.queue-row').first().getAttribute('data-approval-id')).toBe(id);
    await carol.page.keyboard.press('j');
    expect(await carol.page.locator('.queue-row[aria-current="true"]').getAttribute('data-approval-id')).toBe(id);
    expect(await carol.page.evaluate(() => document.activeElement?.getAttribute('data-approval-id'))).toBe(id);
    await carol.page.keyboard.press('a');
    const dialog = carol.page.getByRole('alertdialog');
    await dialog.waitFor();
    await screenshot(carol.page, '11-keyboard-confirm');
    await carol.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await carol.page.keyboard.press('a');
    await dialog.waitFor();
    await carol.page.keyboard.press('Enter');
    await carol.page.getByTestId('decision-summary').waitFor();
    expect(await carol.page.getByTestId('detail-status').textContent()).toBe('approved');
    await carol.context.close();
  });

  it('lets the CEO decide from a phone', async () => {
    const id = await escalate(alice.page, { title: 'Goodwill credit of €150 for a late delivery', priority: 'high', conversation: '#77' });
    const phone = await newPerson(browser, { mobile: true });
    await signIn(phone.page, stack.shellUrl, 'carol.ceo');
    await phone.page.locator(`[data-approval-id="${id}"]`).filter({ visible: true }).waitFor();
    await screenshot(phone.page, '12-phone-queue');
    await phone.page.locator(`[data-approval-id="${id}"]`).tap();
    await phone.page.getByTestId('approve').waitFor();
    expect(await phone.page.locator('.queue').isVisible()).toBe(false);
    await screenshot(phone.page, '13-phone-detail');
    await phone.page.getByLabel(/Comment/).fill('Yes, and add a voucher.');
    await phone.page.getByTestId('approve').tap();
    await phone.page.getByTestId('decision-summary').waitFor();
    await phone.page.getByRole('button', { name: 'Queue' }).tap();
    await phone.page.locator('.queue').filter({ visible: true }).waitFor();
    expect(phone.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    await phone.context.close();
  });

  it('switches tenant without signing in again, and every module follows', async () => {
    await alice.page.goto(`${stack.shellUrl}/app/approvals?status=all`);
    await alice.page.locator('.queue-row').first().filter({ visible: true }).waitFor();
    const acmeCount = await alice.page.locator('.queue-row').count();
    expect(acmeCount).toBeGreaterThan(0);
    await alice.page.getByTestId('tenant-switcher').click();
    await screenshot(alice.page, '14-tenant-switcher');
    await alice.page.getByRole('option', { name: /Support Team/ }).click();
    await alice.page.getByTestId('tenant-switcher').getByText('Support Team').waitFor();
    await alice.page.getByTestId('queue-empty').filter({ visible: true }).waitFor();
    expect(new URL(alice.page.url()).pathname).toBe('/app/approvals');
    // The choice is remembered for this user, checked on every request.
    await alice.page.reload();
    await alice.page.getByTestId('tenant-switcher').getByText('Support Team').waitFor();
    await alice.page.goto(`${stack.shellUrl}/app/inbox`);
    await alice.page.getByText('None yet').waitFor();
    await alice.page.getByTestId('tenant-switcher').click();
    await alice.page.getByRole('option', { name: /Acme Corp/ }).click();
    await alice.page.getByTestId('tenant-switcher').getByText('Acme Corp').waitFor();
    await alice.page.getByTestId('my-escalations').filter({ visible: true }).waitFor();
  });

  it('measures time to interactive and first-load JavaScript of /app/approvals (production build)', async () => {
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    const cdp = await carol.context.newCDPSession(carol.page);
    await cdp.send('Network.enable');

    const load = async (cold: boolean, cpuSlowdown: number) => {
      if (cold) await cdp.send('Network.clearBrowserCache');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
      await carol.page.goto(`${stack.shellUrl}/app/approvals`, { waitUntil: 'load' });
      await carol.page.waitForFunction(() => performance.getEntriesByName('wrrk:approvals-interactive').length > 0, undefined, { timeout: 30_000 });
      await carol.page.waitForTimeout(300);
      return carol.page.evaluate(async () => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
        const hydrated = performance.getEntriesByName('wrrk:approvals-interactive')[0]!.startTime;
        const longTasks = await new Promise<PerformanceEntry[]>((resolve) => {
          const found: PerformanceEntry[] = [];
          const observer = new PerformanceObserver((list) => found.push(...list.getEntries()));
          observer.observe({ type: 'longtask', buffered: true });
          setTimeout(() => {
            observer.disconnect();
            resolve(found);
          }, 50);
        });
        const lastLongTaskEnd = longTasks.reduce((max, task) => Math.max(max, task.startTime + task.duration), 0);
        const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => /\.js(\?|$)/.test(entry.name) && entry.name.startsWith(location.origin));
        return {
          ttfb: nav.responseStart,
          fcp,
          domContentLoaded: nav.domContentLoadedEventEnd,
          hydrated,
          // Lighthouse-style: interactive once hydrated and the main thread has no long task left.
          tti: Math.max(hydrated, nav.domContentLoadedEventEnd, lastLongTaskEnd),
          longTasks: longTasks.length,
          jsFiles: scripts.length,
          jsTransferBytes: scripts.reduce((sum, entry) => sum + entry.transferSize, 0),
          jsDecodedBytes: scripts.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
        };
      });
    };

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const summarise = (runs: Array<Awaited<ReturnType<typeof load>>>) => ({
      ttfbMs: Math.round(median(runs.map((run) => run.ttfb))),
      fcpMs: Math.round(median(runs.map((run) => run.fcp ?? 0))),
      hydratedMs: Math.round(median(runs.map((run) => run.hydrated))),
      ttiMs: Math.round(median(runs.map((run) => run.tti))),
      longTasks: median(runs.map((run) => run.longTasks)),
    });

    await load(false, 1); // warm the server's caches (first render compiles nothing, but opens connections)
    const cold: Array<Awaited<ReturnType<typeof load>>> = [];
    for (let i = 0; i < 5; i++) cold.push(await load(true, 1));
    const warm: Array<Awaited<ReturnType<typeof load>>> = [];
    for (let i = 0; i < 5; i++) warm.push(await load(false, 1));
    const slow: Array<Awaited<ReturnType<typeof load>>> = [];
    for (let i = 0; i < 3; i++) slow.push(await load(true, 4));
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

    recordFigure('approvals_tti_cold', summarise(cold));
    recordFigure('approvals_tti_warm', summarise(warm));
    recordFigure('approvals_tti_cold_cpu4x', summarise(slow));
    const first = cold[0]!;
    recordFigure('approvals_first_load_js', { files: first.jsFiles, transferKiB: +(first.jsTransferBytes / 1024).toFixed(1), decodedKiB: +(first.jsDecodedBytes / 1024).toFixed(1) });
    expect(summarise(cold).ttiMs).toBeLessThan(5_000);
    expect(first.jsTransferBytes).toBeGreaterThan(0);
    await carol.context.close();
  });
});
