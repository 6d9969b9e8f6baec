import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../http/app-error.ts';
import type { AppEnv } from '../http/app-env.ts';

/**
 * Fixed-window limits per minute: per client address (before authentication, so a flood of bad
 * tokens is throttled too) and per principal, stricter for writes than for reads. Counters live
 * in Redis when it is configured, so every instance shares them; in memory otherwise.
 */
export interface RateLimitOptions {
  readsPerMinute: number;
  writesPerMinute: number;
  perAddressPerMinute: number;
  trustProxy: boolean;
  redis?: Redis | undefined;
}

export interface RateLimits {
  byAddress: MiddlewareHandler<AppEnv>;
  byPrincipal: MiddlewareHandler<AppEnv>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function limiter(redis: Redis | undefined, keyPrefix: string, points: number): RateLimiterAbstract {
  const options = { keyPrefix: `wrrk:rl:${keyPrefix}`, points, duration: 60 };
  // insuranceLimiter: if Redis is down, keep limiting per instance instead of failing requests;
  // rejectIfRedisNotReady switches to it at once rather than after a command timeout.
  return redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options), rejectIfRedisNotReady: true })
    : new RateLimiterMemory(options);
}

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}

async function consume(rl: RateLimiterAbstract, key: string, c: Context, scope: string): Promise<void> {
  try {
    const res = await rl.consume(key);
    c.header('RateLimit-Limit', String(rl.points));
    c.header('RateLimit-Remaining', String(res.remainingPoints));
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError('rate_limited', `rate limit exceeded (${scope}): retry in ${retryAfter}s`, {
      headers: { 'Retry-After': String(retryAfter) },
      details: { scope, limitPerMinute: rl.points, retryAfterSeconds: retryAfter },
    });
  }
}

export function createRateLimits(options: RateLimitOptions): RateLimits {
  const address = limiter(options.redis, 'addr', options.perAddressPerMinute);
  const reads = limiter(options.redis, 'read', options.readsPerMinute);
  const writes = limiter(options.redis, 'write', options.writesPerMinute);
  return {
    byAddress: async (c, next) => {
      // Webhooks and homeserver pushes prove themselves by signature or token, and their senders
      // (Chatwoot) do not retry: a 429 would lose an event. They are not limited per address.
      if (c.req.path.startsWith('/api/webhooks/')) return next();
      await consume(address, clientAddress(c, options.trustProxy), c, 'client address');
      await next();
    },
    byPrincipal: async (c, next) => {
      const isRead = READ_METHODS.has(c.req.method);
      await consume(isRead ? reads : writes, c.var.principal.id, c, isRead ? 'reads per user' : 'writes per user');
      await next();
    },
  };
}
