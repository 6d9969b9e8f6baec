import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Chatwoot's webhook signature (lib/webhooks/trigger.rb, v4.11.2+):
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "{X-Chatwoot-Timestamp}.{raw body}")>`.
 * Checked over the exact bytes received, before any JSON parsing, in constant time.
 */
export type SignatureFailure = 'unsigned' | 'malformed_timestamp' | 'stale_timestamp' | 'malformed_signature' | 'bad_signature';

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Uint8Array;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export function computeSignature(secret: string, timestamp: string, rawBody: Uint8Array | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/** Freshness alone, so a stale request is refused before any secret is looked up. */
export function checkTimestamp(timestamp: string | undefined, nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!timestamp) return { ok: false, reason: 'unsigned' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  const at = Number(timestamp);
  if (Math.abs(nowSeconds - at) > toleranceSeconds) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true, timestamp: at };
}

export function verifySignature(request: SignedRequest, secret: string, nowSeconds: number, toleranceSeconds: number): SignatureCheck {
  if (!request.signature) return { ok: false, reason: 'unsigned' };
  const fresh = checkTimestamp(request.timestamp, nowSeconds, toleranceSeconds);
  if (!fresh.ok) return fresh;
  const match = SIGNATURE.exec(request.signature.trim());
  if (!match) return { ok: false, reason: 'malformed_signature' };
  const expected = createHmac('sha256', secret).update(`${request.timestamp}.`).update(request.rawBody).digest();
  const given = Buffer.from(match[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? fresh : { ok: false, reason: 'bad_signature' };
}

export const SIGNATURE_FAILURE_MESSAGES: Record<SignatureFailure, string> = {
  unsigned: 'missing X-Chatwoot-Signature or X-Chatwoot-Timestamp',
  malformed_timestamp: 'X-Chatwoot-Timestamp must be unix seconds',
  stale_timestamp: 'X-Chatwoot-Timestamp is outside the accepted window',
  malformed_signature: 'X-Chatwoot-Signature must be sha256=<64 hex digits>',
  bad_signature: 'X-Chatwoot-Signature does not match the body',
};
