import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SHELL_DIR } from './build.ts';

/** Debian's Chromium through playwright-core, with the flags CI uses. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const SCREENSHOT_DIR = path.join(SHELL_DIR, 'e2e', 'artifacts');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** A fresh context (own cookie jar: one person's browser) that records console errors and CSP violations. */
export async function newPerson(browser: Browser, options: { mobile?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext(
    options.mobile
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, acceptDownloads: true }
      : { viewport: { width: 1360, height: 860 }, acceptDownloads: true },
  );
  const page = await context.newPage();
  // Every full page load waits until React has revealed its streamed segments (see settled()).
  const goto = page.goto.bind(page);
  page.goto = async (url, gotoOptions) => {
    const response = await goto(url, gotoOptions);
    await settled(page);
    return response;
  };
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`http ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { context, page, problems };
}

/**
 * A server-rendered page streams its Suspense segments into hidden `<div id="S:n">` containers
 * and React reveals them in batches (React 19.2): for a few milliseconds the content exists twice,
 * once hidden, and strict locators see two matches. Tests act on the page once it has settled,
 * as a person would.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.readyState === 'complete' && !document.querySelector('div[hidden][id^="S:"]'), undefined, { timeout: 30_000 });
}

/** Signs in through the shell's sign-in page and the identity provider's real login form. */
export async function signIn(page: Page, shellUrl: string, username: string, startPath = '/app'): Promise<void> {
  await page.goto(`${shellUrl}${startPath}`);
  await page.waitForURL(/\/signin/);
  await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
  await page.waitForSelector('form#kc-form-login');
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await page.click('#kc-login');
  await page.waitForURL((url) => url.pathname.startsWith('/app'), { timeout: 30_000 });
  await settled(page);
  await page.waitForSelector('[data-testid="tenant-switcher"]');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Waits until the page's live event stream is connected (the header says "Live"). */
export async function waitForLive(page: Page): Promise<void> {
  await page.waitForSelector('.live-indicator .status-dot[data-status="ok"]', { timeout: 20_000 });
}
