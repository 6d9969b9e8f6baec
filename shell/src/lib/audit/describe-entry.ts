import type { AuditEntry } from '../orchestrator/types';

/** A trail entry in words, for timelines: who did what, with the note that matters. */
export interface EntryDescription {
  text: string;
  note: string | null;
  tone: 'success' | 'danger' | 'warning' | 'info' | 'neutral';
}

const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
const field = (value: unknown, key: string) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);

export function describeEntry(entry: Pick<AuditEntry, 'action' | 'actorName' | 'resourceType' | 'resourceId' | 'oldValue' | 'newValue' | 'metadata'>): EntryDescription {
  const actor = entry.actorName || 'Someone';
  const comment = str(entry.metadata?.['comment']) ?? str(field(entry.newValue, 'decisionComment'));
  switch (entry.action) {
    case 'approval.created': {
      const priority = str(field(entry.newValue, 'priority'));
      return { text: `${actor} escalated this to the CEO${priority ? ` (${priority})` : ''}`, note: null, tone: 'info' };
    }
    case 'approval.approved':
      return { text: `${actor} approved`, note: comment, tone: 'success' };
    case 'approval.rejected':
      return { text: `${actor} rejected`, note: comment, tone: 'danger' };
    case 'approval.cancelled':
      return { text: `${actor} withdrew the request`, note: comment, tone: 'neutral' };
    case 'approval.escalated': {
      const from = str(field(entry.oldValue, 'priority'));
      const to = str(field(entry.newValue, 'priority'));
      return { text: `Overdue: escalated automatically${from && to ? ` from ${from} to ${to}` : ''}`, note: null, tone: 'warning' };
    }
    case 'approval.viewed':
      return { text: `${actor} viewed this`, note: null, tone: 'neutral' };
    case 'consultation.created':
      return { text: `${actor} opened a consultation`, note: null, tone: 'info' };
    default:
      return { text: `${actor}: ${entry.action.replace(/[._]/g, ' ')}`, note: comment, tone: 'neutral' };
  }
}
