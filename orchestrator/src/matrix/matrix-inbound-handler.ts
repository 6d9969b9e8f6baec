import { sql } from 'kysely';
import { decideApproval, getApproval } from '../approvals/approval-service.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import type { TenantWork } from '../db/tenant-work.ts';
import { AppError } from '../http/app-error.ts';
import type { InboundContext, InboundDelivery, InboundHandler } from '../inbox/inbound-handler.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { resolveChatPrincipal, type LinkCheck } from './chat-identity.ts';
import { createHomeserverClient, type HomeserverClient } from './homeserver-client.ts';
import { parseChatCommand, USAGE, type ChatCommand, type ClientEvent } from './chat-commands.ts';
import { escapeHtml } from './matrix-notices.ts';
import { noticeDraft } from './matrix-planner.ts';
import type { MatrixSettings } from './matrix-settings.ts';
import './matrix-tables.ts';

/**
 * Acts on recorded Matrix events (source `matrix`): approve or reject from chat. The decision
 * goes through `decideApproval`, the same function and rules as the shell's PATCH (role,
 * four eyes, pending only, one decision under a row lock); the tenant is the room's tenant and
 * the sender must belong to it in Keycloak. A success is announced by the regular "decided"
 * notice in the escalation's thread; a refusal is answered in the thread, naming the reason.
 */
export const MATRIX_SOURCE = 'matrix';

async function noticeFor(work: TenantWork, targets: string[]) {
  if (targets.length === 0) return null;
  const rows = await work.tx
    .selectFrom('matrix_notices')
    .select(['event_id', 'approval_id', 'thread_root_event_id'])
    .where('tenant_id', '=', work.tenantId)
    .where('event_id', 'in', targets)
    .execute();
  for (const target of targets) {
    const row = rows.find((r) => r.event_id === target && r.approval_id);
    if (row) return row;
  }
  return null;
}

function describeRefusal(error: AppError, command: Extract<ChatCommand, { kind: 'decide' }>): string {
  if (error.code === 'validation_failed' && command.status === 'rejected') {
    return command.via === 'reaction' ? 'a rejection needs a reason: reply to the notice with !reject <reason>' : 'a rejection needs a reason: !reject <reason>';
  }
  return error.message;
}

export function createMatrixInboundHandler(settings: MatrixSettings, deps: { directory?: UserDirectory | null | undefined; homeserver?: HomeserverClient | undefined }): InboundHandler {
  const admin = (deps.homeserver ?? createHomeserverClient(settings)).admin;
  const linkCheck: LinkCheck = admin
    ? async (matrixUserId, keycloakId) => {
        const account = await admin.getUser(matrixUserId);
        return Boolean(account && !account.deactivated && account.external_ids.some((x) => x.auth_provider === settings.ssoProvider && x.external_id === keycloakId));
      }
    : null;

  async function reply(work: TenantWork, event: ClientEvent, approvalId: string | null, message: string) {
    const mention = `<a href="https://matrix.to/#/${encodeURIComponent(event.sender)}">${escapeHtml(event.sender)}</a>`;
    await enqueueOutbox(work.tx, [
      noticeDraft(
        work.tenantId,
        {
          kind: 'reply',
          approvalId,
          consultationId: null,
          threadOnApproval: approvalId !== null,
          inReplyTo: event.event_id,
          mentions: [event.sender],
          body: `${event.sender}: ${message}`,
          html: `${mention}: ${escapeHtml(message)}`,
        },
        `matrix:reply:${event.event_id}`,
      ),
    ]);
  }

  return {
    source: MATRIX_SOURCE,
    async handle(delivery: InboundDelivery, context: InboundContext) {
      const event = delivery.payload as ClientEvent;
      const { work } = context;
      if (event.sender === settings.botUserId) return;
      const command = parseChatCommand(event);
      if (!command) return;

      const notice = await noticeFor(work, command.targets);
      if (command.kind === 'help') return reply(work, event, notice?.approval_id ?? null, USAGE);
      if (!notice?.approval_id) {
        // A ✅ on some other message is just an emoji; a typed command deserves an answer.
        if (command.kind === 'decide' && command.via === 'reaction') return;
        return reply(work, event, null, command.kind === 'invalid' ? command.reason : `that is not an escalation notice. ${USAGE}`);
      }
      const approvalId = notice.approval_id;
      if (command.kind === 'invalid') return reply(work, event, approvalId, command.reason);

      const identity = await resolveChatPrincipal(work.tx, work.tenantId, event.sender, settings.serverName, deps.directory, linkCheck);
      if (!identity.ok) return reply(work, event, approvalId, `not done: ${identity.reason}.`);

      // A refused decision must leave no trace but the answer: undo to the savepoint.
      await sql`SAVEPOINT chat_decision`.execute(work.tx);
      try {
        await decideApproval(
          { work, planners: context.planners, origin: { requestId: `matrix:${event.event_id}`.slice(0, 200), ipAddress: null, userAgent: `matrix ${command.via} from ${event.sender}`.slice(0, 300) } },
          identity.principal,
          approvalId,
          { status: command.status, comment: command.comment },
        );
        await sql`RELEASE SAVEPOINT chat_decision`.execute(work.tx);
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT chat_decision`.execute(work.tx);
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        let reason = describeRefusal(error, command);
        if (error.code === 'conflict') {
          const current = await getApproval(work.tx, work.tenantId, approvalId);
          reason = `already ${current.status}${current.decidedByName ? ` by ${current.decidedByName}` : ''}`;
        }
        return reply(work, event, approvalId, `not done: ${reason}.`);
      }
    },
  };
}
