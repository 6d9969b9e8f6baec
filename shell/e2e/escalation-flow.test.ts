import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensureProductionBuild } from './support/build.ts';
import { launchBrowser, newPerson, screenshot, signIn, waitForLive } from './support/browser.ts';
import { recordFigure } from './support/figures.ts';
import { startStack, type Stack } from './support/stack.ts';

/**
 * The MVP flow in a real browser on the embedded default: an agent escalates from the inbox,
 * the CEO (another browser) sees it arrive without reloading and approves with a comment, the
 * audit trail shows both entries and its chain verifies, another tenant's agent cannot see it,
 * and signing out ends the session at the identity provider as well.
 */

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  const build = await ensureProductionBuild();
  if (build.built) console.log(`[e2e] production build made in ${Math.round(build.ms / 1000)} s`);
  stack = await startStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Resolves with the Date.now() at which `selector` first matches an element containing `text`. */
function watchFor(page: Page, selector: string, text: string): Promise<void> {
  return page.evaluate(
    ({ selector, text }) => {
      const w = window as unknown as { __seen?: Record<string, number> };
      w.__seen ??= {};
      const key = `${selector}|${text}`;
      const check = () => {
        if (w.__seen![key]) return true;
        const hit = [...document.querySelectorAll(selector)].some((element) => element.textContent?.includes(text));
        if (hit) w.__seen![key] = Date.now();
        return hit;
      };
      if (check()) return;
      const observer = new MutationObserver(() => {
        if (check()) observer.disconnect();
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { selector, text },
  );
}

async function seenAt(page: Page, selector: string, text: string, timeout = 15_000): Promise<number> {
  const handle = await page.waitForFunction(({ key }) => (window as unknown as { __seen?: Record<string, number> }).__seen?.[key] ?? null, { key: `${selector}|${text}` }, { timeout, polling: 50 });
  return (await handle.jsonValue()) as number;
}

describe('escalation to decision, end to end', () => {
  const title = `Refund of €2,400 for ACME-${Date.now() % 100000}`;
  let approvalId = '';

  it('an agent escalates; the CEO sees it live, approves with a comment; the agent sees the decision live', async () => {
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    expect(new URL(carol.page.url()).pathname).toBe('/app/approvals');
    await waitForLive(carol.page);
    await carol.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await screenshot(carol.page, '01-ceo-queue-empty');

    const alice = await newPerson(browser);
    await signIn(alice.page, stack.shellUrl, 'alice.agent');
    expect(new URL(alice.page.url()).pathname).toBe('/app/inbox');
    await waitForLive(alice.page);

    await alice.page.getByLabel('Conversation').fill('https://chatwoot.example.com/app/accounts/1/conversations/42');
    await alice.page.getByLabel('Title').fill(title);
    await alice.page.getByLabel('What the CEO needs to know').fill('Customer cancelled within the notice period but after the refund window. Recommend a full refund.');
    await alice.page.getByLabel('Priority').selectOption('urgent');
    await screenshot(alice.page, '02-agent-escalation-form');

    await watchFor(carol.page, '[data-testid="queue"] .queue-row', title);
    const escalatedAt = Date.now();
    await alice.page.getByTestId('escalate').click();
    await alice.page.getByTestId('escalation-done').waitFor();
    const appearedAt = await seenAt(carol.page, '[data-testid="queue"] .queue-row', title);
    recordFigure('escalation_to_ceo_queue_ms', appearedAt - escalatedAt);
    expect(await carol.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    const row = carol.page.locator('.queue-row', { hasText: title });
    approvalId = (await row.getAttribute('data-approval-id')) ?? '';
    expect(approvalId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('urgent');
    await row.click();
    const detail = carol.page.getByTestId('approval-detail');
    await detail.getByText('Alice Agent escalated this to the CEO (urgent)').waitFor();
    expect(await detail.getByTestId('source-link').getAttribute('href')).toBe('https://chatwoot.example.com/app/accounts/1/conversations/42');
    await screenshot(carol.page, '03-ceo-detail');

    // The agent's own list follows the decision without reloading.
    await alice.page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await watchFor(alice.page, `[data-testid="my-escalations"] [data-approval-id="${approvalId}"][data-status="approved"]`, title);
    await detail.getByLabel(/Comment/).fill('Approved: refund in full and apologise for the delay.');
    const decidedAt = Date.now();
    await detail.getByTestId('approve').click();
    await detail.getByTestId('decision-summary').getByText('Approved', { exact: true }).waitFor();
    const shownAt = await seenAt(alice.page, `[data-testid="my-escalations"] [data-approval-id="${approvalId}"][data-status="approved"]`, title);
    recordFigure('decision_to_other_browser_ms', shownAt - decidedAt);
    expect(await alice.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await detail.getByText('Carol CEO approved').waitFor();
    await screenshot(carol.page, '04-ceo-decided');
    await screenshot(alice.page, '05-agent-sees-decision');

    expect(carol.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    expect(alice.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
    await alice.context.close();
    await carol.context.close();
  });

  it('the audit timeline shows both entries and the chain verifies', async () => {
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo', '/app/audit');
    const table = carol.page.getByTestId('audit-table').filter({ visible: true }); // not the hidden copy React streams first
    await table.waitFor();
    const rows = table.locator(`tbody tr:has(a[href*="${approvalId}"])`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-action')).toBe('approval.approved');
    expect(await rows.nth(1).getAttribute('data-action')).toBe('approval.created');
    expect(await carol.page.getByTestId('chain-status').textContent()).toBe('Chain verified: the trail is intact');
    await screenshot(carol.page, '06-audit');

    // Filtered by action, the export is a download of the same filter.
    await carol.page.getByLabel('Action').selectOption('approval.approved');
    await carol.page.getByRole('button', { name: 'Apply' }).click();
    await carol.page.waitForURL(/action=approval\.approved/);
    await expect.poll(() => carol.page.getByTestId('audit-table').locator('tbody tr').count()).toBe(1);
    const [download] = await Promise.all([carol.page.waitForEvent('download'), carol.page.getByTestId('export-csv').click()]);
    const csv = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks as Buffer[]).toString('utf8'));
    expect(csv.split('\n')[0]).toContain('action');
    expect(csv).toContain('approval.approved');
    expect(csv).not.toContain('approval.created');
    await carol.context.close();
  });

  it('an agent of another tenant cannot see it, not even by asking for it', async () => {
    const olga = await newPerson(browser);
    await signIn(olga.page, stack.shellUrl, 'olga.agent', '/app/approvals?status=all');
    await olga.page.getByTestId('tenant-switcher').waitFor();
    expect(await olga.page.getByTestId('tenant-switcher').textContent()).toContain('Globex');
    expect(await olga.page.content()).not.toContain(title);
    const direct = await olga.page.evaluate(async (id) => (await fetch(`/api/approvals/${id}`)).status, approvalId);
    expect([403, 404]).toContain(direct);
    const intoAcme = await olga.page.evaluate(
      async () => (await fetch('/api/tenant', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: '/organizations/acme-corp' }) })).status,
    );
    expect(intoAcme).toBe(403);
    await olga.page.goto(`${stack.shellUrl}/app/approvals?status=all&id=${approvalId}`);
    expect(await olga.page.content()).not.toContain(title);
    await screenshot(olga.page, '07-other-tenant');
    await olga.context.close();
  });

  it('sign-out ends the session here and at the identity provider', async () => {
    const carol = await newPerson(browser);
    await signIn(carol.page, stack.shellUrl, 'carol.ceo');
    await carol.page.getByTestId('user-menu').click();
    await carol.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await carol.page.waitForURL(/\/signin\?signedOut=1/);
    await carol.page.getByText('You are signed out').waitFor();
    await screenshot(carol.page, '08-signed-out');

    // A fresh visit needs a login again: no shell session, and no silent SSO at the provider.
    await carol.page.goto(`${stack.shellUrl}/app/approvals`);
    await carol.page.waitForURL(/\/signin/);
    expect(await carol.page.evaluate(async () => (await fetch('/api/session')).status)).toBe(401);
    await carol.page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await carol.page.waitForSelector('form#kc-form-login');
    await carol.context.close();
  });
});
