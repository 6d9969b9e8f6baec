import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Live events per tenant, for the SSE stream. Each instance keeps a short ring buffer per tenant
 * so a client that reconnects with `Last-Event-ID` gets what it missed. With Redis, every event
 * goes through one pub/sub channel and every instance (the publisher included) delivers it from
 * there, so all instances see the same sequence and any of them can serve a resume.
 */
export type TenantEventType = 'approval.created' | 'approval.updated' | 'audit.appended' | 'consultation.updated' | 'outbox.updated';

export interface TenantEvent {
  id: string;
  type: TenantEventType;
  tenantId: string;
  data: unknown;
  at: string;
}

export type TenantEventInput = Pick<TenantEvent, 'type' | 'tenantId' | 'data'>;
type Listener = (event: TenantEvent) => void;

export interface EventBus {
  publish(event: TenantEventInput): Promise<void>;
  subscribe(tenantId: string, listener: Listener): () => void;
  /** Events after `lastEventId`, oldest first; null when that id is no longer buffered. */
  since(tenantId: string, lastEventId: string): TenantEvent[] | null;
  close(): Promise<void>;
}

const BUFFER_PER_TENANT = 500;
const CHANNEL = 'wrrk:events';

class LocalFanout {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly buffers = new Map<string, TenantEvent[]>();

  deliver(event: TenantEvent): void {
    let buffer = this.buffers.get(event.tenantId);
    if (!buffer) this.buffers.set(event.tenantId, (buffer = []));
    buffer.push(event);
    if (buffer.length > BUFFER_PER_TENANT) buffer.splice(0, buffer.length - BUFFER_PER_TENANT);
    for (const listener of this.listeners.get(event.tenantId) ?? []) {
      try {
        listener(event);
      } catch {
        // one broken subscriber must not starve the others
      }
    }
  }

  subscribe(tenantId: string, listener: Listener): () => void {
    let set = this.listeners.get(tenantId);
    if (!set) this.listeners.set(tenantId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(tenantId);
    };
  }

  since(tenantId: string, lastEventId: string): TenantEvent[] | null {
    const buffer = this.buffers.get(tenantId) ?? [];
    const index = buffer.findIndex((event) => event.id === lastEventId);
    return index === -1 ? null : buffer.slice(index + 1);
  }
}

function stamp(input: TenantEventInput): TenantEvent {
  // Time-ordered and unique across instances without coordination.
  return { ...input, id: `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`, at: new Date().toISOString() };
}

export function createInProcessEventBus(): EventBus {
  const fanout = new LocalFanout();
  return {
    async publish(input) {
      fanout.deliver(stamp(input));
    },
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
    since: (tenantId, id) => fanout.since(tenantId, id),
    async close() {},
  };
}

/** `publisher` is the shared command connection; a subscriber connection is duplicated from it. */
export async function createRedisEventBus(publisher: Redis): Promise<EventBus> {
  const fanout = new LocalFanout();
  const subscriber = publisher.duplicate();
  subscriber.on('error', () => {}); // ioredis reconnects by itself; health reports the outage
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      fanout.deliver(JSON.parse(message) as TenantEvent);
    } catch {
      // not ours
    }
  });
  // Not awaited: a Redis that is down at start must not stop the service from starting;
  // ioredis subscribes once connected and re-subscribes after every reconnect.
  subscriber.subscribe(CHANNEL).catch(() => {});
  return {
    async publish(input) {
      const event = stamp(input);
      // While Redis is away, this instance's own clients still hear the event (others resync on
      // reconnect) instead of every write waiting out the command timeout.
      if (publisher.status !== 'ready') return fanout.deliver(event);
      await publisher.publish(CHANNEL, JSON.stringify(event));
    },
    subscribe: (tenantId, listener) => fanout.subscribe(tenantId, listener),
    since: (tenantId, id) => fanout.since(tenantId, id),
    async close() {
      subscriber.disconnect();
    },
  };
}
