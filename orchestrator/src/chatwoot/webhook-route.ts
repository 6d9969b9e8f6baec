import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { Counter } from 'prom-client';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../http/app-error.ts';
import type { AppEnv } from '../http/app-env.ts';
import { zodDetails } from '../http/error-response.ts';
import { errorResponses } from '../http/openapi-errors.ts';
import { validationHook } from '../http/validation-hook.ts';
import { recordInboundDelivery } from '../inbox/record-inbound-delivery.ts';
import type { AccountDirectory } from './account-directory.ts';
import { CHATWOOT_SOURCE } from './chatwoot-inbound-handler.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { checkTimestamp, SIGNATURE_FAILURE_MESSAGES, verifySignature, type SignatureFailure } from './webhook-signature.ts';
import { ChatwootEvent, HANDLED_EVENTS, WebhookEnvelope } from './webhook-payloads.ts';

const ReceiptSchema = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().openapi({ description: 'This delivery id was recorded before; nothing new happens' }),
    ignored: z.boolean().openapi({ description: 'An event type wrrk does not act on; acknowledged, not stored' }),
    receiptId: z.string().nullable(),
  })
  .openapi('WebhookReceipt');

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['Webhooks'],
  summary: 'Chatwoot account webhook (signed)',
  description: [
    'Registered by the Chatwoot bootstrap as `…/api/webhooks/chatwoot?account_id=<id>`, so the tenant and its webhook secret are known before the body is read.',
    'Order of checks: `X-Chatwoot-Timestamp` within the window, `X-Chatwoot-Signature` (`sha256=` HMAC-SHA256 of `{timestamp}.{raw body}`) over the raw bytes in constant time, replay of a signature under another delivery id, then the payload.',
    'A verified delivery is recorded (deduplicated on `X-Chatwoot-Delivery`) and answered at once; it is processed afterwards from the record.',
    'Handled: message_created, conversation_created, conversation_status_changed, conversation_updated. Other events are acknowledged and ignored.',
  ].join('\n\n'),
  security: [],
  request: { query: z.object({ account_id: z.string().optional().openapi({ description: 'The Chatwoot account id (set by the bootstrap)' }) }) },
  responses: {
    200: { description: 'Recorded (or a duplicate, or ignored)', content: { 'application/json': { schema: ReceiptSchema } } },
    400: errorResponses[400],
    401: { ...errorResponses[401], description: 'Unsigned, forged, stale or replayed; nothing stored' },
    413: { ...errorResponses[400], description: 'Body too large' },
    503: errorResponses[503],
  },
});

export interface WebhookRouteDeps {
  accounts: AccountDirectory;
  replayGuard: ReplayGuard;
  now?: () => number;
}

const unauthenticated = (reason: SignatureFailure | string, message: string) => new AppError('unauthenticated', message, { details: { reason } });

export function chatwootWebhookRoute(deps: AppDeps, routeDeps: WebhookRouteDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Refusals by reason show a misconfigured secret or an attack; duplicates show Chatwoot retries.
  const outcomes = (deps.metrics.registry.getSingleMetric('wrrk_chatwoot_webhooks_total') as Counter<'outcome'> | undefined) ??
    new Counter({ name: 'wrrk_chatwoot_webhooks_total', help: 'Chatwoot webhook deliveries by outcome (recorded, duplicate, ignored, or the refusal reason)', labelNames: ['outcome'] as const, registers: [deps.metrics.registry] });
  app.use('*', async (c, next) => {
    await next();
    // Hono hands a thrown error to the error handler and leaves it on the context.
    const error = c.error;
    if (error) outcomes.inc({ outcome: error instanceof AppError ? ((error.details as { reason?: string } | undefined)?.reason ?? error.code) : 'error' });
  });
  const tolerance = deps.config.CHATWOOT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = () => Math.floor((routeDeps.now?.() ?? Date.now()) / 1000);

  app.openapi(route, async (c) => {
    const accountParam = c.req.query('account_id');
    if (!accountParam || !/^\d{1,10}$/.test(accountParam)) {
      throw unauthenticated('unknown_account', 'the webhook URL must name its Chatwoot account (?account_id=<id>); re-run the Chatwoot bootstrap');
    }
    const accountId = Number(accountParam);
    const timestamp = c.req.header('x-chatwoot-timestamp');
    const signature = c.req.header('x-chatwoot-signature');
    // Cheap checks first: an unsigned or stale request costs no lookup and no body read.
    if (!signature) throw unauthenticated('unsigned', SIGNATURE_FAILURE_MESSAGES.unsigned);
    const fresh = checkTimestamp(timestamp, nowSeconds(), tolerance);
    if (!fresh.ok) throw unauthenticated(fresh.reason, SIGNATURE_FAILURE_MESSAGES[fresh.reason]);

    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    let account = await routeDeps.accounts.find(accountId);
    if (!account?.webhookSecret) throw unauthenticated('unknown_account', `no webhook secret is registered for Chatwoot account ${accountId}`);
    let check = verifySignature({ timestamp, signature, rawBody }, account.webhookSecret, nowSeconds(), tolerance);
    if (!check.ok && check.reason === 'bad_signature') {
      // The secret may have been re-created since it was cached: look once more before refusing.
      account = await routeDeps.accounts.find(accountId, { fresh: true });
      if (account?.webhookSecret) check = verifySignature({ timestamp, signature, rawBody }, account.webhookSecret, nowSeconds(), tolerance);
    }
    if (!check.ok || !account) throw unauthenticated(check.ok ? 'unknown_account' : check.reason, check.ok ? 'account vanished' : SIGNATURE_FAILURE_MESSAGES[check.reason]);

    const signatureHex = signature.trim().slice('sha256='.length).toLowerCase();
    const deliveryHeader = c.req.header('x-chatwoot-delivery')?.trim();
    // Chatwoot always sends a delivery id; without one, the signature identifies the request.
    const deliveryId = deliveryHeader && deliveryHeader.length <= 200 ? deliveryHeader : `sig:${signatureHex}`;
    if (!(await routeDeps.replayGuard.admit(signatureHex, deliveryId, tolerance * 2))) {
      throw unauthenticated('replayed', 'this signed request was already received under another delivery id');
    }

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
    } catch {
      throw new AppError('bad_request', 'the body is not valid UTF-8 JSON');
    }
    const envelope = WebhookEnvelope.safeParse(body);
    if (!envelope.success) throw new AppError('validation_failed', 'not a Chatwoot webhook payload', { details: zodDetails(envelope.error) });
    if (!HANDLED_EVENTS.has(envelope.data.event)) {
      outcomes.inc({ outcome: 'ignored' });
      return c.json({ received: true as const, duplicate: false, ignored: true, receiptId: null }, 200);
    }
    const event = ChatwootEvent.safeParse(body);
    if (!event.success) throw new AppError('validation_failed', `invalid ${envelope.data.event} payload`, { details: zodDetails(event.error) });
    if (event.data.account.id !== accountId) {
      throw new AppError('bad_request', `the payload belongs to Chatwoot account ${event.data.account.id}, the URL names ${accountId}`);
    }

    const receipt = await recordInboundDelivery(deps.store, { tenantId: account.tenantId, source: CHATWOOT_SOURCE, deliveryId, eventType: event.data.event, payload: body });
    outcomes.inc({ outcome: receipt.duplicate ? 'duplicate' : 'recorded' });
    if (!receipt.duplicate) deps.nudgeInbox();
    return c.json({ received: true as const, duplicate: receipt.duplicate, ignored: false, receiptId: receipt.id }, 200);
  });
  return app;
}
