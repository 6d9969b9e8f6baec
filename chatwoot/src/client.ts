import createClient, { type Client } from 'openapi-fetch';
import type { paths as ApplicationPaths } from './generated/application.ts';
import type { paths as PlatformPaths } from './generated/platform.ts';
import type { paths as SupplementPaths } from './generated/supplement.ts';

/**
 * Typed clients for Chatwoot's Application API (`/api/v1/accounts/…`, a user's or bot's
 * `api_access_token`) and Platform API (`/platform/api/v1/…`, a platform app's token). Every
 * path, parameter and body is checked at compile time against the types generated from the
 * published OpenAPI description, plus the supplement for the few endpoints it leaves out.
 */

type AccountUsersPath = '/platform/api/v1/accounts/{account_id}/account_users';

export type ChatwootApplicationPaths = ApplicationPaths & Pick<SupplementPaths, '/api/v1/accounts/{account_id}/dashboard_apps'>;
export type ChatwootPlatformPaths = Omit<PlatformPaths, AccountUsersPath> &
  Pick<SupplementPaths, '/platform/api/v1/users/{id}/token'> & {
    // The published description has no body on DELETE account_users; the controller reads {user_id}.
    [P in AccountUsersPath]: Omit<PlatformPaths[P], 'delete'> & Pick<SupplementPaths[P], 'delete'>;
  };

export type ChatwootApplicationClient = Client<ChatwootApplicationPaths>;
export type ChatwootPlatformClient = Client<ChatwootPlatformPaths>;

export interface ChatwootClientOptions {
  /** Base URL of the Chatwoot installation, e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** The `api_access_token` header value. */
  token: string;
  /** Per-request time limit; Chatwoot's own webhook timeout is 5 s, ours is more patient. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

function clientOptions(options: ChatwootClientOptions) {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    // Behind nginx the header needs `underscores_in_headers on;` (see chatwoot/README.md).
    headers: { api_access_token: options.token, accept: 'application/json' },
    fetch: (request: Request) => baseFetch(new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) })),
  };
}

export function createApplicationClient(options: ChatwootClientOptions): ChatwootApplicationClient {
  return createClient<ChatwootApplicationPaths>(clientOptions(options));
}

export function createPlatformClient(options: ChatwootClientOptions): ChatwootPlatformClient {
  return createClient<ChatwootPlatformPaths>(clientOptions(options));
}

/** A non-2xx answer from Chatwoot, with what a retry policy needs to know. */
export class ChatwootHttpError extends Error {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: unknown;
  constructor(context: string, response: Response, body: unknown) {
    super(`${context}: HTTP ${response.status}${describeBody(body)}`);
    this.name = 'ChatwootHttpError';
    this.status = response.status;
    this.retryAfter = response.headers.get('retry-after');
    this.body = body;
  }
}

function describeBody(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as { error?: unknown; message?: unknown; errors?: unknown };
  const text = b.error ?? b.message ?? b.errors;
  return text === undefined ? '' : ` ${JSON.stringify(text).slice(0, 300)}`;
}

/** Unwraps an openapi-fetch result: the data on 2xx, a ChatwootHttpError otherwise. */
export function expectOk<T>(result: { data?: T; error?: unknown; response: Response }, context: string): T {
  if (!result.response.ok) throw new ChatwootHttpError(context, result.response, result.error);
  return result.data as T;
}

/** Chatwoot's deep links for people (private notes, the shell). */
export function conversationUrl(chatwootUrl: string, accountId: number, conversationId: number): string {
  return `${chatwootUrl.replace(/\/+$/, '')}/app/accounts/${accountId}/conversations/${conversationId}`;
}
