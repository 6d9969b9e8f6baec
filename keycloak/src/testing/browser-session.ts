/**
 * A minimal "browser" for tests that drive real OpenID flows over HTTP: it keeps cookies
 * (RFC 6265, tough-cookie), follows redirects one hop at a time so a test can stop at the
 * client's callback, and submits HTML forms the way a browser would (node-html-parser).
 */
import { parse, type HTMLElement } from 'node-html-parser';
import { CookieJar } from 'tough-cookie';

export interface Page {
  kind: 'page';
  url: string;
  status: number;
  html: string;
  document: HTMLElement;
}

export interface Redirect {
  kind: 'redirect';
  /** The redirect target the navigation stopped at (not fetched). */
  location: string;
}

export type NavigationResult = Page | Redirect;

export interface NavigateOptions {
  /** Stop (without fetching) at a redirect whose target this returns true for. */
  stopAt?: (url: string) => boolean;
  maxRedirects?: number;
}

export class BrowserSession {
  readonly jar = new CookieJar();
  readonly #fetch: typeof fetch;

  constructor(fetchImpl: typeof fetch = fetch) {
    this.#fetch = fetchImpl;
  }

  /** GET `url` and follow redirects until a page, or a redirect `stopAt` accepts. */
  async navigate(url: string, options: NavigateOptions = {}): Promise<NavigationResult> {
    return this.#follow(url, { method: 'GET' }, options);
  }

  /** Submits `form` from `page` with its own fields (hidden inputs included) overridden by `fields`. */
  async submitForm(page: Page, form: HTMLElement, fields: Record<string, string> = {}, options: NavigateOptions = {}): Promise<NavigationResult> {
    const values = new URLSearchParams();
    for (const input of form.querySelectorAll('input, textarea, select')) {
      const name = input.getAttribute('name');
      const type = (input.getAttribute('type') ?? '').toLowerCase();
      if (!name || type === 'submit' || type === 'button' || type === 'image') continue;
      if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
      values.set(name, input.getAttribute('value') ?? input.textContent ?? '');
    }
    for (const [name, value] of Object.entries(fields)) values.set(name, value);
    const action = new URL(form.getAttribute('action') || page.url, page.url).href;
    const method = (form.getAttribute('method') ?? 'GET').toUpperCase();
    if (method === 'GET') {
      const target = new URL(action);
      for (const [name, value] of values) target.searchParams.set(name, value);
      return this.navigate(target.href, options);
    }
    return this.#follow(action, { method: 'POST', body: values }, options);
  }

  async #follow(url: string, init: { method: string; body?: URLSearchParams }, options: NavigateOptions): Promise<NavigationResult> {
    let current = url;
    let request = init;
    for (let hop = 0; hop <= (options.maxRedirects ?? 20); hop += 1) {
      const response = await this.#request(current, request);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).href;
        if (options.stopAt?.(next)) return { kind: 'redirect', location: next };
        current = next;
        // 307/308 repeat the request; every other redirect becomes a GET.
        if (response.status !== 307 && response.status !== 308) request = { method: 'GET' };
        continue;
      }
      const html = await response.text();
      return { kind: 'page', url: current, status: response.status, html, document: parse(html) };
    }
    throw new Error(`more than ${options.maxRedirects ?? 20} redirects starting at ${url}`);
  }

  async #request(url: string, init: { method: string; body?: URLSearchParams }): Promise<Response> {
    const headers = new Headers({ accept: 'text/html,application/json;q=0.9,*/*;q=0.8' });
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    if (init.body) headers.set('content-type', 'application/x-www-form-urlencoded');
    const response = await this.#fetch(url, { method: init.method, headers, body: init.body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, url, { ignoreError: true });
    }
    return response;
  }
}

/** Visible text of the first element matching one of the selectors, trimmed. */
export function textOf(document: HTMLElement, ...selectors: string[]): string | undefined {
  for (const selector of selectors) {
    const text = document.querySelector(selector)?.textContent.replace(/\s+/g, ' ').trim();
    if (text) return text;
  }
  return undefined;
}
