import { describe, expect, it } from 'vitest';
import { formatAge, formatDue, formatDuration } from './time';

const at = (iso: string) => Date.parse(iso);

describe('durations', () => {
  it('reads like a queue', () => {
    expect(formatDuration(30_000)).toBe('less than a minute');
    expect(formatDuration(4 * 60_000)).toBe('4 min');
    expect(formatDuration(135 * 60_000)).toBe('2 h 15 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(76 * 3_600_000)).toBe('3 d 4 h');
    expect(formatAge('2026-11-20T10:00:00Z', at('2026-11-20T10:00:20Z'))).toBe('just now');
    expect(formatAge('2026-11-20T10:00:00Z', at('2026-11-20T10:12:00Z'))).toBe('12 min ago');
  });

  it('shows the time left to the SLA, and flags it when it runs short or out', () => {
    const created = '2026-11-20T10:00:00Z';
    const due = '2026-11-21T10:00:00Z';
    expect(formatDue(due, created, at('2026-11-20T11:00:00Z'))).toEqual({ text: '23 h left', tone: 'ok' });
    expect(formatDue(due, created, at('2026-11-21T05:00:00Z'))).toEqual({ text: '5 h left', tone: 'soon' });
    expect(formatDue(due, created, at('2026-11-21T10:15:00Z'))).toEqual({ text: 'overdue by 15 min', tone: 'overdue' });
    expect(formatDue('2026-11-20T11:00:00Z', created, at('2026-11-20T10:10:00Z'))).toEqual({ text: '50 min left', tone: 'soon' });
    expect(formatDue(due, created, at('2026-11-20T11:00:00Z'), false)).toEqual({ text: '—', tone: 'done' });
  });
});

describe('messages', () => {
  it('turns API phrases into sentences', async () => {
    const { sentence } = await import('./text');
    expect(sentence('approval is already approved')).toBe('Approval is already approved');
    expect(sentence('Done.')).toBe('Done');
    expect(sentence('  ')).toBe('');
  });
});
