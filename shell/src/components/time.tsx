'use client';

import { useEffect, useState } from 'react';
import { formatAge, formatDateTime, formatDue } from '../lib/format/time';

/** One shared clock per page, ticking every 30 s, so ages and SLA countdowns stay current. */
let listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    timer ??= setInterval(() => {
      const value = Date.now();
      for (const listener of listeners) listener(value);
    }, 30_000);
    setNow(Date.now());
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
        listeners = new Set();
      }
    };
  }, []);
  return now;
}

// Server and browser may sit in different zones: the server renders UTC, the browser its own.
export function Timestamp({ iso }: { iso: string }) {
  const [zone, setZone] = useState<string | undefined>('UTC');
  useEffect(() => setZone(undefined), []);
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {formatDateTime(iso, zone)}
    </time>
  );
}

export function Age({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={new Date(iso).toISOString()} suppressHydrationWarning>
      {formatAge(iso, now)}
    </time>
  );
}

export function DueIn({ dueAt, createdAt, pending }: { dueAt: string; createdAt: string; pending: boolean }) {
  const now = useNow();
  const due = formatDue(dueAt, createdAt, now, pending);
  return (
    <span className="due" data-tone={due.tone} suppressHydrationWarning title={`Due ${new Date(dueAt).toISOString()}`}>
      {due.text}
    </span>
  );
}
