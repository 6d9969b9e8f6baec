import type { TenantEventInput, EventBus } from '../events/event-bus.ts';
import type { DataStore, Tx } from './database.ts';

/**
 * A unit of work inside one tenant's transaction. Business code records the live events it
 * causes with `emit`; they are published only after COMMIT, so no subscriber ever hears about
 * a change that was rolled back.
 */
export interface TenantWork {
  tx: Tx;
  tenantId: string;
  emit(event: Omit<TenantEventInput, 'tenantId'> & { tenantId?: string }): void;
}

export interface WorkDeps {
  store: DataStore;
  events: EventBus;
  onPublishError?: (error: unknown) => void;
}

async function publishAll(deps: WorkDeps, pending: TenantEventInput[]) {
  for (const event of pending) {
    try {
      await deps.events.publish(event);
    } catch (error) {
      // Live events are a convenience: the data is committed and clients resync on reconnect.
      deps.onPublishError?.(error);
    }
  }
}

export async function inTenant<T>(deps: WorkDeps, tenantId: string, fn: (work: TenantWork) => Promise<T>): Promise<T> {
  const pending: TenantEventInput[] = [];
  const result = await deps.store.tenant(tenantId, (tx) =>
    fn({ tx, tenantId, emit: (event) => pending.push({ tenantId, ...event }) }),
  );
  await publishAll(deps, pending);
  return result;
}

/** Cross-tenant work for background jobs; each emitted event names its tenant. */
export async function inSystem<T>(deps: WorkDeps, fn: (tx: Tx, emit: TenantWork['emit']) => Promise<T>): Promise<T> {
  const pending: TenantEventInput[] = [];
  const result = await deps.store.system((tx) =>
    fn(tx, (event) => {
      if (!event.tenantId) throw new Error(`system work must name the tenant of ${event.type}`);
      pending.push({ ...event, tenantId: event.tenantId });
    }),
  );
  await publishAll(deps, pending);
  return result;
}
