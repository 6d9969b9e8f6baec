import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../orchestrator/types';
import { auditFilterParams, entryMatches, parseAuditFilter, toAuditQuery } from './audit-filter';
import { describeEntry } from './describe-entry';

const params = (query: string) => new URLSearchParams(query);

describe('audit filters', () => {
  it('turns whole UTC days into the orchestrator range (to is exclusive there)', () => {
    const filter = parseAuditFilter(params('actor=u1&action=approval.approved&resource=approval&from=2026-11-01&to=2026-11-02'));
    expect(toAuditQuery(filter)).toEqual({ actorId: 'u1', action: 'approval.approved', resourceType: 'approval', resourceId: undefined, from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' });
  });

  it('drops what it cannot read and round-trips the rest as URL parameters', () => {
    const filter = parseAuditFilter(params('from=yesterday&to=2026-13-40&actor=%20&resource=approval'));
    expect(filter).toEqual({ resourceType: 'approval' });
    expect(auditFilterParams(parseAuditFilter(params('actor=u1&from=2026-11-01'))).toString()).toBe('actor=u1&from=2026-11-01');
  });

  it('decides whether a live entry belongs in the filtered timeline', () => {
    const entry = { actorId: 'u1', action: 'approval.created', resourceType: 'approval', resourceId: 'a1', createdAt: '2026-11-02T10:00:00.000Z' } as AuditEntry;
    expect(entryMatches(entry, {})).toBe(true);
    expect(entryMatches(entry, { actorId: 'u2' })).toBe(false);
    expect(entryMatches(entry, { from: '2026-11-02', to: '2026-11-02' })).toBe(true);
    expect(entryMatches(entry, { to: '2026-11-01' })).toBe(false);
  });
});

describe('trail entries in words', () => {
  const base = { actorName: 'Carol CEO', resourceType: 'approval', resourceId: 'a1', oldValue: null, newValue: null, metadata: {} };
  it('says who decided and quotes the comment', () => {
    expect(describeEntry({ ...base, action: 'approval.approved', metadata: { comment: 'Refund it' } })).toEqual({ text: 'Carol CEO approved', note: 'Refund it', tone: 'success' });
    expect(describeEntry({ ...base, action: 'approval.rejected', newValue: { decisionComment: 'No' } })).toMatchObject({ text: 'Carol CEO rejected', note: 'No', tone: 'danger' });
  });
  it('explains automatic escalation and unknown actions', () => {
    expect(describeEntry({ ...base, actorName: 'wrrk', action: 'approval.escalated', oldValue: { priority: 'high' }, newValue: { priority: 'urgent' } }).text).toBe('Overdue: escalated automatically from high to urgent');
    expect(describeEntry({ ...base, action: 'settings.updated' }).text).toBe('Carol CEO: settings updated');
  });
});
