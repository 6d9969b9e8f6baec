import type { Redis } from 'ioredis';

/**
 * Chatwoot's `X-Chatwoot-Delivery` header is not covered by the signature, so a captured
 * request could be replayed inside the freshness window under a new delivery id. The guard
 * remembers each accepted signature for the window: the same signature with the same delivery
 * id is a redelivery (deduplicated downstream), with another delivery id it is a replay.
 * Redis makes the memory shared between instances; without it, it is per process.
 */
export interface ReplayGuard {
  /** Records the signature; false when it was already seen under a different delivery id. */
  admit(signature: string, deliveryId: string, ttlSeconds: number): Promise<boolean>;
}

export function createMemoryReplayGuard(maxEntries = 100_000, now: () => number = Date.now): ReplayGuard {
  const seen = new Map<string, { deliveryId: string; expiresAt: number }>();
  return {
    async admit(signature, deliveryId, ttlSeconds) {
      const at = now();
      const hit = seen.get(signature);
      if (hit && hit.expiresAt > at) return hit.deliveryId === deliveryId;
      if (seen.size >= maxEntries) {
        for (const [key, entry] of seen) if (entry.expiresAt <= at) seen.delete(key);
        // Still full of live entries: drop the oldest rather than grow without bound.
        if (seen.size >= maxEntries) seen.delete(seen.keys().next().value!);
      }
      seen.set(signature, { deliveryId, expiresAt: at + ttlSeconds * 1000 });
      return true;
    },
  };
}

export function createRedisReplayGuard(redis: Redis, fallback: ReplayGuard = createMemoryReplayGuard()): ReplayGuard {
  return {
    async admit(signature, deliveryId, ttlSeconds) {
      try {
        const key = `wrrk:chatwoot:sig:${signature}`;
        const set = await redis.set(key, deliveryId, 'EX', ttlSeconds, 'NX');
        if (set === 'OK') return true;
        return (await redis.get(key)) === deliveryId;
      } catch {
        // Redis down: keep receiving (the signature and the per-delivery dedup still hold).
        return fallback.admit(signature, deliveryId, ttlSeconds);
      }
    },
  };
}
