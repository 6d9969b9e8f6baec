'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/**
 * One EventSource per page for the tenant's live events (browsers allow only a few connections
 * per origin over HTTP/1.1, so every widget shares this one). The stream comes from the shell's
 * /api/events, which adds the access token server-side. When the stream closes for good, the
 * provider asks /api/session whether the session still exists: if not, the user goes to
 * sign-in instead of staring at a page that silently stopped updating.
 */

export type LiveEventType = 'approval.created' | 'approval.updated' | 'audit.appended' | 'consultation.updated' | 'resync';
export type LiveStatus = 'connecting' | 'live' | 'offline';
type Listener = (data: unknown) => void;

interface LiveContextValue {
  status: LiveStatus;
  subscribe(type: LiveEventType, listener: Listener): () => void;
}

const LiveContext = createContext<LiveContextValue>({ status: 'offline', subscribe: () => () => {} });
const EVENT_TYPES: LiveEventType[] = ['approval.created', 'approval.updated', 'audit.appended', 'consultation.updated'];

export function LiveEventsProvider({ tenantId, children }: { tenantId: string; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const listeners = useRef(new Map<LiveEventType, Set<Listener>>());

  const dispatch = useCallback((type: LiveEventType, data: unknown) => {
    for (const listener of listeners.current.get(type) ?? []) {
      try {
        listener(data);
      } catch (error) {
        console.error('live event listener failed', error);
      }
    }
  }, []);

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let lastEventId: string | null = null;
    let stopped = false;
    let everConnected = false;

    const connect = () => {
      if (stopped) return;
      setStatus('connecting');
      const url = lastEventId ? `/api/events?lastEventId=${encodeURIComponent(lastEventId)}` : '/api/events';
      source = new EventSource(url);
      source.addEventListener('ready', () => {
        attempts = 0;
        setStatus('live');
        // After a gap the page may have missed changes the orchestrator no longer buffers.
        if (everConnected) dispatch('resync', null);
        everConnected = true;
      });
      source.addEventListener('resync', () => dispatch('resync', null));
      for (const type of EVENT_TYPES) {
        source.addEventListener(type, (event) => {
          const message = event as MessageEvent<string>;
          if (message.lastEventId) lastEventId = message.lastEventId;
          try {
            const payload = JSON.parse(message.data) as { tenantId?: string; data?: unknown };
            if (payload.tenantId !== undefined && payload.tenantId !== tenantId) return;
            dispatch(type, payload.data);
          } catch {
            // a malformed event is dropped; the next resync repairs the view
          }
        });
      }
      source.onerror = () => {
        if (!source || source.readyState !== EventSource.CLOSED) {
          setStatus('connecting');
          return;
        }
        setStatus('offline');
        source.close();
        void fetch('/api/session', { cache: 'no-store' })
          .then((response) => {
            if (response.status === 401) {
              const here = `${window.location.pathname}${window.location.search}`;
              window.location.assign(`/signin?error=SessionExpired&callbackUrl=${encodeURIComponent(here)}`);
              stopped = true;
            }
          })
          .catch(() => {})
          .finally(() => {
            if (stopped) return;
            attempts += 1;
            timer = setTimeout(connect, Math.min(30_000, 1_000 * 2 ** Math.min(attempts, 5)));
          });
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [tenantId, dispatch]);

  const subscribe = useCallback((type: LiveEventType, listener: Listener) => {
    let set = listeners.current.get(type);
    if (!set) listeners.current.set(type, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }, []);

  const value = useMemo(() => ({ status, subscribe }), [status, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** Calls `listener` for each live event of `type` (the latest listener, without resubscribing). */
export function useLiveEvent<T = unknown>(type: LiveEventType, listener: (data: T) => void): void {
  const { subscribe } = useContext(LiveContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe(type, (data) => latest.current(data as T)), [subscribe, type]);
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext).status;
}

export function LiveIndicator() {
  const status = useLiveStatus();
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline';
  const dot = status === 'live' ? 'ok' : status === 'connecting' ? 'degraded' : 'unreachable';
  return (
    <span className="live-indicator" role="status" aria-live="polite" title={status === 'live' ? 'Updates arrive as they happen' : 'Live updates are paused; retrying'}>
      <span className="status-dot" data-status={dot} aria-hidden="true" />
      <span className="live-text" aria-hidden="true">{text}</span>
      <span className="visually-hidden">{status === 'live' ? 'Live updates on' : `Live updates ${status}`}</span>
    </span>
  );
}
