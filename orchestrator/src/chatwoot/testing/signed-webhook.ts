import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractsDir } from '@wrrk/chatwoot/spec-paths.ts';
import { computeSignature } from '../webhook-signature.ts';
import { railsJson } from './chatwoot-double.ts';

/** The derived webhook examples from the shared contract (shapes of Chatwoot v4.15.1's serializers). */
export function contractExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(contractsDir(), 'webhook-examples-derived', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

export interface SignedRequestOptions {
  secret: string;
  timestamp?: number;
  deliveryId?: string | null;
  signature?: string | null;
  rawBody?: string;
}

/** A POST exactly as Chatwoot's WebhookJob sends it (Rails JSON, X-Chatwoot-* headers). */
export function chatwootRequest(url: string, payload: unknown, options: SignedRequestOptions): Request {
  const body = options.rawBody ?? railsJson(payload);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'x-chatwoot-timestamp': timestamp };
  const signature = options.signature === undefined ? computeSignature(options.secret, timestamp, body) : options.signature;
  if (signature !== null) headers['x-chatwoot-signature'] = signature;
  const deliveryId = options.deliveryId === undefined ? randomUUID() : options.deliveryId;
  if (deliveryId !== null) headers['x-chatwoot-delivery'] = deliveryId;
  return new Request(url, { method: 'POST', headers, body });
}

/** An example payload re-pointed at an account and conversation. */
export function examplePayload(name: string, accountId: number, conversationId: number, patch: (payload: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const payload = contractExample(name);
  const conversation = (payload['event'] === 'message_created' ? payload['conversation'] : payload) as Record<string, unknown>;
  payload['account'] = { id: accountId, name: 'Acme' };
  conversation['id'] = conversationId;
  conversation['account'] = { id: accountId, name: 'Acme' };
  patch(payload);
  return payload;
}
