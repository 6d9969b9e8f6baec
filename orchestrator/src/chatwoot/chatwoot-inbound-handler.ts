import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { InboundContext, InboundDelivery, InboundHandler } from '../inbox/inbound-handler.ts';
import { applyConversationSnapshot, type SnapshotOptions } from './conversation-state.ts';
import { isEchoOfOwnWrite, markerOf } from './own-writes.ts';
import { ChatwootEvent, snapshotFromConversation } from './webhook-payloads.ts';

export const CHATWOOT_SOURCE = 'chatwoot';

/** The trigger label from configuration; `off` turns the trigger off. */
export const triggerLabelFrom = (config: Pick<Config, 'CHATWOOT_ESCALATION_LABEL'>): string | null =>
  config.CHATWOOT_ESCALATION_LABEL === 'off' ? null : config.CHATWOOT_ESCALATION_LABEL;

export type HandledAs = 'own-write' | 'stale' | 'applied' | 'escalated';

/**
 * Processes one recorded Chatwoot delivery inside its tenant's transaction (called by the inbox
 * processor). Every event carries a conversation snapshot; applying it is idempotent, so a
 * redelivery or a replay changes nothing the first application did not.
 */
export function createChatwootInboundHandler(config: Config, logger?: Logger): InboundHandler & { handleEvent(delivery: InboundDelivery, context: InboundContext): Promise<HandledAs> } {
  const triggerLabel = triggerLabelFrom(config);

  async function handleEvent(delivery: InboundDelivery, context: InboundContext): Promise<HandledAs> {
    // Validated at the door already; parsed again because the record is the source of truth.
    const event = ChatwootEvent.parse(delivery.payload);
    const options: SnapshotOptions = {
      triggerLabel,
      defaultPriority: config.CHATWOOT_ESCALATION_PRIORITY,
      chatwootUrl: config.CHATWOOT_URL ?? null,
      origin: { requestId: `chatwoot:${delivery.deliveryId}`, ipAddress: null, userAgent: 'Chatwoot webhook' },
      via: 'webhook',
    };
    if (event.event === 'message_created') {
      // Loop guard: our own private notes come back as message_created; they start nothing.
      if (markerOf(event.content_attributes)) return 'own-write';
      const snapshot = snapshotFromConversation(event.account.id, event.conversation);
      if (event.message_type === 'incoming' && !event.private) {
        snapshot.lastIncoming = { id: event.id, content: event.content ?? '', at: new Date(event.created_at) };
      }
      return outcome(await applyConversationSnapshot(context, snapshot, options));
    }
    const snapshot = snapshotFromConversation(event.account.id, event);
    const echo = event.event === 'conversation_updated' && isEchoOfOwnWrite(event.changed_attributes ?? [], triggerLabel);
    const result = await applyConversationSnapshot(context, snapshot, { ...options, echo });
    if (result.escalated) logger?.info({ tenantId: delivery.tenantId, conversationId: snapshot.conversationId, approvalId: result.escalated.id }, 'chatwoot label escalated a conversation');
    return echo && result.fresh ? 'own-write' : outcome(result);
  }

  return {
    source: CHATWOOT_SOURCE,
    handleEvent,
    async handle(delivery, context) {
      await handleEvent(delivery, context);
    },
  };
}

function outcome(result: { fresh: boolean; escalated: unknown }): HandledAs {
  if (result.escalated) return 'escalated';
  return result.fresh ? 'applied' : 'stale';
}
