import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5 layout, SHA-1) for realm objects the file gives no `id`.
 * Keycloak would pick a random one at import; the development provider needs the same id on
 * every start so that persisted sessions and tenant ids (a user's personal tenant is their id)
 * stay valid across restarts.
 */
export function stableId(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
