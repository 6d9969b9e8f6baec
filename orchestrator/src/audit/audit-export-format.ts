import type { AuditEntry } from './audit-entry.ts';

export const CSV_COLUMNS = [
  'seq', 'id', 'createdAt', 'actorId', 'actorName', 'action', 'resourceType', 'resourceId',
  'oldValue', 'newValue', 'metadata', 'requestId', 'ipAddress', 'userAgent', 'prevHash', 'hash',
] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  // Quote always-safe, and defuse spreadsheet formulas (CSV injection) with a leading apostrophe.
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${defused.replaceAll('"', '""')}"`;
}

export const csvHeader = () => `${CSV_COLUMNS.join(',')}\r\n`;
export const csvRow = (entry: AuditEntry) => `${CSV_COLUMNS.map((column) => csvCell(entry[column])).join(',')}\r\n`;
export const ndjsonRow = (entry: AuditEntry) => `${JSON.stringify(entry)}\n`;
