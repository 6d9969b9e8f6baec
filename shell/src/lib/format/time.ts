/**
 * Durations as people read them in a queue: "4 min", "2 h 15 min", "3 d 4 h". Pure functions
 * of (timestamp, now), so the server render and the ticking client agree and tests need no clock.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return 'less than a minute';
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/** "just now", "12 min ago", "3 h ago". */
export function formatAge(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (ms < MINUTE) return 'just now';
  return `${formatDuration(ms)} ago`;
}

export type DueTone = 'ok' | 'soon' | 'overdue' | 'done';

/**
 * Time left to the SLA. "soon" when under a quarter of the whole window (or under an hour) is
 * left, so an urgent item with 15 minutes of a 60-minute SLA already stands out.
 */
export function formatDue(dueIso: string, createdIso: string, now: number, pending = true): { text: string; tone: DueTone } {
  if (!pending) return { text: '—', tone: 'done' };
  const due = Date.parse(dueIso);
  const left = due - now;
  if (left <= 0) return { text: `overdue by ${formatDuration(-left)}`, tone: 'overdue' };
  const window = due - Date.parse(createdIso);
  const soon = left < HOUR || (window > 0 && left < window / 4);
  return { text: `${formatDuration(left)} left`, tone: soon ? 'soon' : 'ok' };
}

/** An absolute timestamp for titles and tables, in the viewer's locale and zone. */
export function formatDateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}
