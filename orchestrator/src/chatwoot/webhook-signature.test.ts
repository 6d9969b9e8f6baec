import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractsDir } from '@wrrk/chatwoot/spec-paths.ts';
import { checkTimestamp, computeSignature, verifySignature } from './webhook-signature.ts';

const vector = JSON.parse(readFileSync(join(contractsDir(), 'webhook-examples-derived', 'signature-test-vector.json'), 'utf8')) as {
  secret: string;
  headers: Record<string, string>;
  raw_body: string;
};
const at = Number(vector.headers['X-Chatwoot-Timestamp']);
const bytes = (s: string) => new TextEncoder().encode(s);
const signed = (overrides: Partial<{ timestamp: string; signature: string; rawBody: Uint8Array }> = {}) => ({
  timestamp: vector.headers['X-Chatwoot-Timestamp'],
  signature: vector.headers['X-Chatwoot-Signature'],
  rawBody: bytes(vector.raw_body),
  ...overrides,
});

describe('Chatwoot webhook signature', () => {
  it('verifies the contract test vector over the raw bytes (Rails-escaped JSON)', () => {
    expect(vector.raw_body).toContain('\\u003cb\\u003e');
    expect(computeSignature(vector.secret, vector.headers['X-Chatwoot-Timestamp']!, vector.raw_body)).toBe(vector.headers['X-Chatwoot-Signature']);
    expect(verifySignature(signed(), vector.secret, at, 300)).toEqual({ ok: true, timestamp: at });
  });

  it('refuses a re-serialised body, another secret, a body-only signature and a tampered digest', () => {
    const reparsed = bytes(JSON.stringify(JSON.parse(vector.raw_body)));
    expect(verifySignature(signed({ rawBody: reparsed }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature(signed(), 'another-secret', at, 300)).toEqual({ ok: false, reason: 'bad_signature' });
    // Issue chatwoot#13809: signing the body alone, without "{timestamp}.", must not pass.
    const bodyOnly = `sha256=${(computeSignature(vector.secret, '', vector.raw_body)).slice(7)}`;
    expect(verifySignature(signed({ signature: bodyOnly }), vector.secret, at, 300).ok).toBe(false);
    const flipped = vector.headers['X-Chatwoot-Signature']!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(verifySignature(signed({ signature: flipped }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature(signed({ timestamp: String(at + 1) }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts the upper-case hex and refuses malformed headers', () => {
    expect(verifySignature(signed({ signature: vector.headers['X-Chatwoot-Signature']!.replace(/[a-f]/g, (c) => c.toUpperCase()) }), vector.secret, at, 300).ok).toBe(true);
    expect(verifySignature(signed({ signature: 'sha1=abc' }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifySignature(signed({ signature: 'sha256=abcd' }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifySignature(signed({ signature: '' }), vector.secret, at, 300)).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('enforces the freshness window in both directions', () => {
    expect(checkTimestamp(String(at), at + 300, 300).ok).toBe(true);
    expect(checkTimestamp(String(at), at + 301, 300)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(checkTimestamp(String(at), at - 301, 300)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(checkTimestamp('17816e9', at, 300)).toEqual({ ok: false, reason: 'malformed_timestamp' });
    expect(checkTimestamp(undefined, at, 300)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifySignature(signed(), vector.secret, at + 3600, 300)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });
});
