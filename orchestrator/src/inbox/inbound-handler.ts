import type { TenantWork } from '../db/tenant-work.ts';
import type { OutboundPlanner } from '../integrations/domain-events.ts';

/**
 * Inbound webhooks are recorded first (deduplicated by source + delivery id) and processed
 * afterwards from that record, so a crash between receipt and processing loses nothing and a
 * redelivery has one effect. A handler processes one recorded delivery inside its tenant's
 * transaction; throwing rolls back its effects and the receipt is retried later.
 */
export interface InboundDelivery {
  id: string;
  tenantId: string;
  source: string;
  deliveryId: string;
  eventType: string;
  payload: unknown;
  receivedAt: Date;
  attempts: number;
}

export interface InboundContext {
  work: TenantWork;
  planners: readonly OutboundPlanner[];
}

export interface InboundHandler {
  source: string;
  handle(delivery: InboundDelivery, context: InboundContext): Promise<void>;
}
