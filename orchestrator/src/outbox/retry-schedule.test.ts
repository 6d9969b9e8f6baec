import { describe, expect, it } from 'vitest';
import { backoffDelayMs, decideRetry, DEFAULT_RETRY_POLICY } from './retry-schedule.ts';
import { parseRetryAfter } from './outbox-delivery.ts';

describe('retry schedule', () => {
  it('doubles from 2 s with equal jitter and caps at one hour', () => {
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(1_000);
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, () => 1)).toBe(2_000);
    expect(backoffDelayMs(4, DEFAULT_RETRY_POLICY, () => 1)).toBe(16_000);
    expect(backoffDelayMs(30, DEFAULT_RETRY_POLICY, () => 1)).toBe(3_600_000);
    expect(backoffDelayMs(30, DEFAULT_RETRY_POLICY, () => 0)).toBe(1_800_000);
  });

  it('stops after the last attempt and on permanent failures', () => {
    expect(decideRetry(12, { retryable: true }, DEFAULT_RETRY_POLICY)).toEqual({ kind: 'dead' });
    expect(decideRetry(1, { retryable: false }, DEFAULT_RETRY_POLICY)).toEqual({ kind: 'dead' });
    expect(decideRetry(11, { retryable: true }, DEFAULT_RETRY_POLICY).kind).toBe('retry');
  });

  it('waits at least as long as Retry-After asks, within the cap', () => {
    expect(decideRetry(1, { retryable: true, retryAfterMs: 90_000 }, DEFAULT_RETRY_POLICY, () => 0)).toEqual({ kind: 'retry', delayMs: 90_000 });
    expect(decideRetry(1, { retryable: true, retryAfterMs: 9e9 }, DEFAULT_RETRY_POLICY)).toEqual({ kind: 'retry', delayMs: 3_600_000 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7_000);
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
