import type { Migration } from 'kysely/migration';
import * as core from './0001-core.ts';
import * as inboxOutbox from './0002-inbox-outbox.ts';
import * as chatwoot from './0003-chatwoot.ts';
import * as matrixJitsi from './0004-matrix-jitsi.ts';

/**
 * Every migration, in order. A new capability adds its file here; names sort lexically.
 * Migrations are plain SQL through kysely so PGlite and PostgreSQL run the same statements.
 */
export const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-inbox-outbox': inboxOutbox,
  '0003-chatwoot': chatwoot,
  '0004-matrix-jitsi': matrixJitsi,
};
