/**
 * When to try an outbox row again: exponential backoff from 2 s, capped at one hour, with
 * "equal jitter" (half fixed, half random) so a recovered system is not hit by every row at once.
 * A Retry-After from the target wins when it asks for longer. After `maxAttempts` the row is dead.
 */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 2_000, capMs: 60 * 60_000, maxAttempts: 12 };

export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export type RetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'dead' };

/** `attempt` counts the attempt that just failed (1 for the first). */
export function decideRetry(attempt: number, failure: { retryable: boolean; retryAfterMs?: number | undefined }, policy: RetryPolicy, random?: () => number): RetryDecision {
  if (!failure.retryable || attempt >= policy.maxAttempts) return { kind: 'dead' };
  const backoff = backoffDelayMs(attempt, policy, random);
  const delayMs = failure.retryAfterMs === undefined ? backoff : Math.min(policy.capMs, Math.max(backoff, failure.retryAfterMs));
  return { kind: 'retry', delayMs };
}
