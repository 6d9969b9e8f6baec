/**
 * The contract between the outbox worker and each integrated system. A deliverer performs one
 * outbox row's call and says how it went; the worker owns retries, backoff and dead letters.
 * Deliveries are at-least-once: a deliverer must make a repeat harmless (e.g. look for its
 * marker before posting a note again), because a timeout can hide a success.
 */
export interface OutboxMessage {
  id: string;
  tenantId: string;
  target: string;
  operation: string;
  payload: Record<string, unknown>;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: Date;
}

export type DeliveryOutcome =
  | { ok: true; detail?: string }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export interface OutboxDeliverer {
  target: string;
  deliver(message: OutboxMessage): Promise<DeliveryOutcome>;
}

/** Maps an HTTP answer to an outcome: 2xx ok; 408/425/429/5xx retry (honouring Retry-After); other 4xx permanent. */
export function outcomeFromResponse(response: Response, context: string): DeliveryOutcome {
  if (response.ok) return { ok: true };
  const retryable = response.status === 408 || response.status === 425 || response.status === 429 || response.status >= 500;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return {
    ok: false,
    retryable,
    error: `${context}: HTTP ${response.status}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A network failure (no answer) is always worth retrying. */
export function outcomeFromError(error: unknown, context: string): DeliveryOutcome {
  return { ok: false, retryable: true, error: `${context}: ${(error as Error)?.message ?? String(error)}` };
}
