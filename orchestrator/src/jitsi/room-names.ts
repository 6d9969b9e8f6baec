import { randomBytes } from 'node:crypto';

/**
 * Jitsi room names nobody can guess or derive from an id shown elsewhere (links, notices):
 * 160 random bits in lower-case base32 (Jitsi compares room names lower-cased), with a prefix
 * that tells an operator which rooms are wrrk's.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newRoomName(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff; // at most 12 pending bits are ever needed
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `wrrk-${out}`;
}

export const ROOM_NAME_PATTERN = /^wrrk-[a-z2-7]{32}$/;
