import type {
  Approval,
  ApprovalQuery,
  AuditEntry,
  AuditQuery,
  ChainVerification,
  Consultation,
  CreateApprovalInput,
  CreateConsultationInput,
  DecisionInput,
  JitsiJoinToken,
  OrchestratorHealth,
  Page,
  TenantSettings,
  TenantSettingsUpdate,
} from './types';

/**
 * The one way the shell's server talks to the orchestrator. Every call carries the user's
 * access token, the current tenant (`X-Tenant-Id`) and a request id (`X-Request-Id`, so a
 * shell log line and an orchestrator log line can be joined). Failures become one error type
 * with a kind the UI can act on.
 */

export type OrchestratorErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'failed';

export class OrchestratorError extends Error {
  readonly kind: OrchestratorErrorKind;
  /** HTTP status the shell should answer with. */
  readonly status: number;
  /** The orchestrator's status, or null when it was not reached. */
  readonly upstreamStatus: number | null;
  readonly details: unknown;
  readonly requestId: string;
  readonly retryAfter: string | null;

  constructor(init: { kind: OrchestratorErrorKind; status: number; upstreamStatus: number | null; message: string; details?: unknown; requestId: string; retryAfter?: string | null; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.name = 'OrchestratorError';
    this.kind = init.kind;
    this.status = init.status;
    this.upstreamStatus = init.upstreamStatus;
    this.details = init.details;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter ?? null;
  }
}

const KIND_BY_STATUS: Record<number, OrchestratorErrorKind> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'invalid',
  422: 'invalid',
  429: 'rate_limited',
};

/** Turns an orchestrator error response into an OrchestratorError (body in the design's error shape). */
export function errorFromResponse(status: number, body: unknown, requestId: string, retryAfter: string | null = null): OrchestratorError {
  const shaped = body && typeof body === 'object' ? (body as { error?: unknown; details?: unknown; requestId?: unknown }) : {};
  const message = typeof shaped.error === 'string' && shaped.error ? shaped.error : `orchestrator answered ${status}`;
  const upstreamId = typeof shaped.requestId === 'string' ? shaped.requestId : requestId;
  if (status >= 500) {
    // The orchestrator's own failure: a gateway error from the shell's point of view.
    return new OrchestratorError({ kind: 'unavailable', status: status === 503 ? 503 : 502, upstreamStatus: status, message, details: shaped.details, requestId: upstreamId, retryAfter });
  }
  const kind = KIND_BY_STATUS[status] ?? 'failed';
  return new OrchestratorError({ kind, status: kind === 'failed' ? 502 : status, upstreamStatus: status, message, details: shaped.details, requestId: upstreamId, retryAfter });
}

export interface OrchestratorClientOptions {
  baseUrl: string;
  accessToken: string | null;
  tenantId: string | null;
  requestId: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

type Query = Record<string, string | number | readonly string[] | undefined>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createOrchestratorClient(options: OrchestratorClientOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/json',
      'x-request-id': options.requestId,
      ...(options.accessToken ? { authorization: `Bearer ${options.accessToken}` } : {}),
      ...(options.tenantId ? { 'x-tenant-id': options.tenantId } : {}),
      ...extra,
    };
  }

  /** The raw response (for streams); throws OrchestratorError when unreachable or not 2xx. */
  async function send(method: string, path: string, init: { query?: Query; body?: unknown; accept?: string; signal?: AbortSignal; timeout?: boolean; lastEventId?: string } = {}): Promise<Response> {
    const url = `${options.baseUrl}${path}${queryString(init.query)}`;
    const extra: Record<string, string> = {};
    if (init.body !== undefined) extra['content-type'] = 'application/json';
    if (init.accept) extra['accept'] = init.accept;
    if (init.lastEventId) extra['last-event-id'] = init.lastEventId;
    const signals = [init.signal, init.timeout === false ? undefined : AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => Boolean(s));
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: headers(extra),
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: signals.length ? AbortSignal.any(signals) : undefined,
        cache: 'no-store',
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      throw new OrchestratorError({
        kind: 'unavailable',
        status: timedOut ? 504 : 503,
        upstreamStatus: null,
        message: timedOut
          ? `the orchestrator did not answer within ${timeoutMs / 1000} s (${options.baseUrl})`
          : `the orchestrator is unreachable at ${options.baseUrl} (check ORCHESTRATOR_URL and that it is running)`,
        requestId: options.requestId,
        cause: error,
      });
    }
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => null);
      throw errorFromResponse(response.status, body, options.requestId, response.headers.get('retry-after'));
    }
    return response;
  }

  async function json<T>(method: string, path: string, init: { query?: Query; body?: unknown } = {}): Promise<T> {
    const response = await send(method, path, init);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    requestId: options.requestId,
    tenantId: options.tenantId,

    listApprovals: (query: ApprovalQuery = {}) => json<Page<Approval>>('GET', '/api/approvals', { query: { ...query } }),
    getApproval: (approvalId: string) => json<Approval>('GET', `/api/approvals/${id(approvalId)}`),
    createApproval: (input: CreateApprovalInput) => json<Approval>('POST', '/api/approvals', { body: input }),
    decideApproval: (approvalId: string, input: DecisionInput) => json<Approval>('PATCH', `/api/approvals/${id(approvalId)}`, { body: input }),
    approvalHistory: async (approvalId: string) => (await json<{ items: AuditEntry[] }>('GET', `/api/audit/resource/approval/${id(approvalId)}`)).items,

    listAudit: (query: AuditQuery = {}) => json<Page<AuditEntry, number>>('GET', '/api/audit', { query: { ...query } }),
    verifyAudit: () => json<ChainVerification>('GET', '/api/audit/verify'),
    exportAudit: (format: 'csv' | 'ndjson', filter: Omit<AuditQuery, 'cursor' | 'limit'>, signal?: AbortSignal) =>
      send('GET', '/api/audit/export', { query: { ...filter, format }, accept: format === 'csv' ? 'text/csv' : 'application/x-ndjson', signal, timeout: false }),
    reportAudit: (entry: { action: string; resourceType: string; resourceId: string; metadata?: Record<string, unknown> }) => json<AuditEntry>('POST', '/api/audit', { body: entry }),

    listConsultations: (query: { status?: string; cursor?: string; limit?: number } = {}) => json<Page<Consultation>>('GET', '/api/consultations', { query }),
    getConsultation: (consultationId: string) => json<Consultation>('GET', `/api/consultations/${id(consultationId)}`),
    createConsultation: (input: CreateConsultationInput) => json<Consultation>('POST', '/api/consultations', { body: input }),
    consultationToken: (consultationId: string) => json<JitsiJoinToken>('POST', `/api/consultations/${id(consultationId)}/token`, { body: {} }),
    startConsultation: (consultationId: string) => json<Consultation>('POST', `/api/consultations/${id(consultationId)}/start`, { body: {} }),
    endConsultation: (consultationId: string) => json<Consultation>('POST', `/api/consultations/${id(consultationId)}/end`, { body: {} }),

    /** The tenant's live event stream (SSE), for the shell's proxying route. */
    events: (signal: AbortSignal, lastEventId?: string) => send('GET', '/api/events', { accept: 'text/event-stream', signal, timeout: false, lastEventId }),

    tenantSettings: () => json<TenantSettings>('GET', '/api/settings'),
    updateTenantSettings: (input: TenantSettingsUpdate) => json<TenantSettings>('PATCH', '/api/settings', { body: input }),

    health: () => json<OrchestratorHealth>('GET', '/api/health'),
  };
}

export type OrchestratorClient = ReturnType<typeof createOrchestratorClient>;
