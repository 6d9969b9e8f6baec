import type { AuditEntry, AuditQuery } from '../orchestrator/types';

/**
 * The audit page's filters, as URL parameters (so a filtered view is a link, and export uses
 * the same filter). Dates are whole UTC days (`from` inclusive, `to` inclusive of that day);
 * full ISO timestamps are accepted too.
 */
export interface AuditFilter {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const clean = (value: string | null) => {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, 200) : undefined;
};

function isoBound(value: string | undefined, end: boolean): string | undefined {
  if (!value) return undefined;
  if (DAY.test(value)) {
    const start = Date.parse(`${value}T00:00:00.000Z`);
    if (Number.isNaN(start)) return undefined;
    return new Date(end ? start + 86_400_000 : start).toISOString();
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

export function parseAuditFilter(params: { get(name: string): string | null }): AuditFilter {
  const filter: AuditFilter = {};
  const actorId = clean(params.get('actor'));
  const action = clean(params.get('action'));
  const resourceType = clean(params.get('resource'));
  const resourceId = clean(params.get('resourceId'));
  const from = clean(params.get('from'));
  const to = clean(params.get('to'));
  if (actorId) filter.actorId = actorId;
  if (action) filter.action = action;
  if (resourceType) filter.resourceType = resourceType;
  if (resourceId) filter.resourceId = resourceId;
  if (from && isoBound(from, false)) filter.from = from;
  if (to && isoBound(to, true)) filter.to = to;
  return filter;
}

/** The orchestrator query for a filter (`to` is exclusive there). */
export function toAuditQuery(filter: AuditFilter): Omit<AuditQuery, 'cursor' | 'limit'> {
  return {
    actorId: filter.actorId,
    action: filter.action,
    resourceType: filter.resourceType,
    resourceId: filter.resourceId,
    from: isoBound(filter.from, false),
    to: isoBound(filter.to, true),
  };
}

/** The same filter as URL parameters (for links, export and "load more"). */
export function auditFilterParams(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.actorId) params.set('actor', filter.actorId);
  if (filter.action) params.set('action', filter.action);
  if (filter.resourceType) params.set('resource', filter.resourceType);
  if (filter.resourceId) params.set('resourceId', filter.resourceId);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  return params;
}

/** Whether a live entry belongs in the filtered timeline. */
export function entryMatches(entry: AuditEntry, filter: AuditFilter): boolean {
  const query = toAuditQuery(filter);
  if (query.actorId && entry.actorId !== query.actorId) return false;
  if (query.action && entry.action !== query.action) return false;
  if (query.resourceType && entry.resourceType !== query.resourceType) return false;
  if (query.resourceId && entry.resourceId !== query.resourceId) return false;
  const at = Date.parse(entry.createdAt);
  if (query.from && at < Date.parse(query.from)) return false;
  if (query.to && at >= Date.parse(query.to)) return false;
  return true;
}

/** Known actions, for the filter menu (the trail may hold others; the menu keeps what is chosen). */
export const KNOWN_ACTIONS = [
  'approval.created',
  'approval.approved',
  'approval.rejected',
  'approval.cancelled',
  'approval.escalated',
  'consultation.created',
  'consultation.started',
  'consultation.ended',
  'consultation.joined',
  'settings.updated',
  'tenant.switched',
  'session.signed_out',
  'audit.exported',
] as const;
