import type { Logger } from 'pino';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit-entry.ts';
import type { DataStore, Tx } from '../db/database.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { DeliveryOutcome, OutboxDeliverer, OutboxMessage } from '../outbox/outbox-delivery.ts';
import { SyncNotPossible, syncTenantAccounts } from './account-sync.ts';
import { createHomeserverClient, outcomeFromMatrixError, type HomeserverClient } from './homeserver-client.ts';
import { MATRIX_TARGET, SEND_NOTICE, SYNC_ACCOUNTS, type NoticePayload } from './matrix-planner.ts';
import type { MatrixSettings } from './matrix-settings.ts';
import { ensureTenantRoom, NoTenantRoom } from './tenant-room.ts';
import './matrix-tables.ts';

/**
 * Performs the `matrix` outbox rows: notices into tenant rooms (creating the room on first
 * use) and account synchronisation. Repeats are harmless: a notice is sent with the outbox row
 * id as the transaction id, so the homeserver answers a retry with the first event.
 */
export interface MatrixIntegrationDeps {
  store: DataStore;
  events?: EventBus | undefined;
  logger?: Logger | undefined;
  directory?: UserDirectory | null | undefined;
  /** Tests pass a client bound to a homeserver double; otherwise one is built from settings. */
  homeserver?: HomeserverClient | undefined;
}

const NO_EVENTS: EventBus = { publish: async () => {}, subscribe: () => () => {}, since: () => null, close: async () => {} };

async function threadRoot(tx: Tx, tenantId: string, approvalId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('matrix_notices')
    .select('event_id')
    .where('tenant_id', '=', tenantId)
    .where('approval_id', '=', approvalId)
    .where('kind', '=', 'approval.created')
    .orderBy('created_at', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row?.event_id ?? null;
}

/** The `m.room.message` content of a notice: `m.notice`, HTML, thread and reply relations. */
export function noticeContent(payload: NoticePayload, tenantId: string, root: string | null): Record<string, unknown> {
  const content: Record<string, unknown> = {
    msgtype: 'm.notice',
    body: payload.body,
    format: 'org.matrix.custom.html',
    formatted_body: payload.html,
    'm.mentions': payload.mentions?.length ? { user_ids: payload.mentions } : {},
    'org.wrrk.notice': { kind: payload.kind, tenantId, approvalId: payload.approvalId, consultationId: payload.consultationId },
  };
  const replyTo = payload.inReplyTo ?? null;
  if (root) {
    // A thread message; clients without threads see it as a reply (to the command, else the root).
    content['m.relates_to'] = { rel_type: 'm.thread', event_id: root, is_falling_back: replyTo === null, 'm.in_reply_to': { event_id: replyTo ?? root } };
  } else if (replyTo) {
    content['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo } };
  }
  return content;
}

export function createMatrixDeliverer(settings: MatrixSettings, deps: MatrixIntegrationDeps): OutboxDeliverer {
  const hs = deps.homeserver ?? createHomeserverClient(settings, { logger: deps.logger });
  const work = { store: deps.store, events: deps.events ?? NO_EVENTS };

  async function activeAccounts(tenantId: string): Promise<string[]> {
    const rows = await deps.store.tenant(tenantId, (tx) =>
      tx.selectFrom('matrix_accounts').select('matrix_user_id').where('tenant_id', '=', tenantId).where('status', '=', 'active').execute(),
    );
    return rows.map((r) => r.matrix_user_id);
  }

  async function sendNotice(message: OutboxMessage): Promise<DeliveryOutcome> {
    const payload = message.payload as unknown as NoticePayload;
    const { tenantId } = message;
    const { roomId } = await ensureTenantRoom(work, hs, settings, tenantId, { invite: await activeAccounts(tenantId) });
    const root = payload.threadOnApproval && payload.approvalId ? await deps.store.tenant(tenantId, (tx) => threadRoot(tx, tenantId, payload.approvalId!)) : null;
    const eventId = await hs.sendEvent(roomId, 'm.room.message', noticeContent(payload, tenantId, root), `wrrk.${message.id}`);
    await deps.store.tenant(tenantId, (tx) =>
      tx
        .insertInto('matrix_notices')
        .values({ tenant_id: tenantId, event_id: eventId, room_id: roomId, kind: payload.kind, approval_id: payload.approvalId, consultation_id: payload.consultationId, thread_root_event_id: root, outbox_id: message.id })
        .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
        .execute(),
    );
    return { ok: true, detail: eventId };
  }

  async function syncAccounts(message: OutboxMessage): Promise<DeliveryOutcome> {
    const actor = (message.payload['requestedBy'] as Actor | undefined) ?? SYSTEM_ACTOR;
    const report = await syncTenantAccounts({ ...work, hs, directory: deps.directory, settings, logger: deps.logger }, message.tenantId, actor);
    deps.logger?.info({ report }, 'matrix accounts synchronised');
    const summary = `created ${report.created.length}, updated ${report.updated.length}, invited ${report.invited.length}, removed ${report.removed.length}, deactivated ${report.deactivated.length}, conflicts ${report.conflicts.length}`;
    return { ok: true, detail: summary };
  }

  return {
    target: MATRIX_TARGET,
    async deliver(message) {
      try {
        if (message.operation === SEND_NOTICE) return await sendNotice(message);
        if (message.operation === SYNC_ACCOUNTS) return await syncAccounts(message);
        return { ok: false, retryable: false, error: `unknown matrix operation ${message.operation}` };
      } catch (error) {
        if (error instanceof NoTenantRoom || error instanceof SyncNotPossible) return { ok: false, retryable: false, error: error.message };
        return outcomeFromMatrixError(error, `matrix ${message.operation}`);
      }
    },
  };
}
