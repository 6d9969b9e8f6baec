import { AppError } from './app-error.ts';

/**
 * Opaque cursors for keyset pagination over (timestamp, uuid): stable under inserts and cheap
 * on a (tenant, timestamp, id) index. Clients pass back `nextCursor` unchanged.
 */
export interface KeysetCursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })).toString('base64url');
}

export function decodeCursor(raw: string): KeysetCursor {
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    if (typeof value.at === 'string' && !Number.isNaN(Date.parse(value.at)) && typeof value.id === 'string' && /^[0-9a-f-]{36}$/i.test(value.id)) {
      return { at: new Date(value.at), id: value.id };
    }
  } catch {
    // fall through: not ours
  }
  throw new AppError('validation_failed', 'invalid cursor', { details: [{ path: 'cursor', message: 'use nextCursor from a previous page' }] });
}
