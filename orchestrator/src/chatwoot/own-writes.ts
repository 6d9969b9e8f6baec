import type { ApprovalStatus } from '../db/schema.ts';

/**
 * What wrrk writes into Chatwoot, named in one place so the loop guard can recognise the
 * echoes: private notes carry `content_attributes.wrrk.marker` (Chatwoot stores and echoes
 * any keys for `text` messages), status labels are the `ceo-*` set, and the custom
 * attributes are the `approval_*` keys.
 */
export const MARKER_KEY = 'wrrk';

export const STATUS_LABELS: Record<ApprovalStatus, string> = {
  pending: 'ceo-pending',
  approved: 'ceo-approved',
  rejected: 'ceo-rejected',
  cancelled: 'ceo-cancelled',
};
export const MANAGED_LABELS: ReadonlySet<string> = new Set(Object.values(STATUS_LABELS));

export const ATTRIBUTE_KEYS = ['approval_id', 'approval_status', 'approval_url'] as const;

export interface NoteMarker {
  marker: string;
  approvalId: string;
  kind: string;
}

export function noteMarker(approvalId: string, kind: string): NoteMarker {
  return { marker: `${approvalId}:${kind}`, approvalId, kind };
}

/** The marker a message carries, if wrrk wrote it. */
export function markerOf(contentAttributes: Record<string, unknown> | null | undefined): string | null {
  const own = contentAttributes?.[MARKER_KEY];
  if (!own || typeof own !== 'object') return null;
  const marker = (own as { marker?: unknown }).marker;
  return typeof marker === 'string' ? marker : null;
}

/**
 * A `conversation_updated` whose changes are all ours (status labels, removal of the trigger
 * label, our attributes) — the echo of a write-back, which must never start anything.
 */
export function isEchoOfOwnWrite(changes: Array<Record<string, { previous_value?: unknown; current_value?: unknown }>>, triggerLabel: string | null): boolean {
  const meaningful = changes.filter((entry) => !('updated_at' in entry));
  if (meaningful.length === 0) return false;
  return meaningful.every((entry) => {
    const [key, change] = Object.entries(entry)[0] ?? [];
    if (!change) return false;
    if (key === 'label_list') {
      const before = new Set(asList(change.previous_value));
      const after = new Set(asList(change.current_value));
      const touched = [...before, ...after].filter((label) => before.has(label) !== after.has(label));
      return touched.every((label) => MANAGED_LABELS.has(label) || (label === triggerLabel && before.has(label)));
    }
    if (key === 'custom_attributes') {
      const before = asRecord(change.previous_value);
      const after = asRecord(change.current_value);
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      return [...keys].every((k) => JSON.stringify(before[k]) === JSON.stringify(after[k]) || (ATTRIBUTE_KEYS as readonly string[]).includes(k));
    }
    return false;
  });
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  // Rails may serialise acts-as-taggable lists as comma-separated strings.
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
