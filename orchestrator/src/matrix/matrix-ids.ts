/**
 * Matrix identifiers for wrrk's people and tenants, as pure functions.
 *
 * People: the Matrix localpart is the Keycloak username, encoded with the Matrix spec's
 * "Mapping from other character sets" (appendix, identifier grammar): upper case `A` -> `_a`,
 * `_` -> `__`, and any byte outside `a-z 0-9 . - /` -> `=xx`. Keycloak usernames are usually
 * already valid (`carol.ceo` stays `carol.ceo`), and the mapping is reversible, so a chat
 * message's sender can be mapped back to a Keycloak username without a lookup table.
 *
 * Tenants: each organisation or team gets one room whose alias is derived from the tenant id
 * (`/organizations/acme-corp` -> `#wrrk_org_acme-corp:server`), inside the alias namespace of
 * the application-service registration.
 */

const PLAIN = /^[a-z0-9.\-/]$/;

export function encodeLocalpart(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte >= 0x41 && byte <= 0x5a) out += `_${char.toLowerCase()}`;
    else if (char === '_') out += '__';
    else if (PLAIN.test(char)) out += char;
    else out += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The inverse of `encodeLocalpart`; null when the localpart is not a valid encoding. */
export function decodeLocalpart(localpart: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < localpart.length; i += 1) {
    const char = localpart[i]!;
    if (char === '_') {
      const next = localpart[i + 1];
      if (next === '_') bytes.push(0x5f);
      else if (next && /[a-z]/.test(next)) bytes.push(next.toUpperCase().charCodeAt(0));
      else return null;
      i += 1;
    } else if (char === '=') {
      const hex = localpart.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (PLAIN.test(char)) {
      bytes.push(char.charCodeAt(0));
    } else {
      return null;
    }
  }
  const decoded = Buffer.from(bytes).toString('utf8');
  // Reject overlong or invalid UTF-8 smuggled through `=xx` escapes.
  return encodeLocalpart(decoded) === localpart ? decoded : null;
}

export interface ParsedUserId {
  localpart: string;
  serverName: string;
}

/** `@localpart:server` (the server name may carry a port). */
export function parseUserId(userId: string): ParsedUserId | null {
  const match = /^@([^:]+):(.+)$/.exec(userId);
  if (!match || userId.length > 255) return null;
  return { localpart: match[1]!, serverName: match[2]! };
}

export function userIdFor(username: string, serverName: string): string {
  return `@${encodeLocalpart(username)}:${serverName}`;
}

/** The Keycloak username behind a local Matrix user id, or null for other servers / bad ids. */
export function usernameFromUserId(userId: string, serverName: string): string | null {
  const parsed = parseUserId(userId);
  if (!parsed || parsed.serverName !== serverName) return null;
  return decodeLocalpart(parsed.localpart);
}

const TENANT_KINDS: ReadonlyArray<[prefix: string, short: string]> = [
  ['/organizations/', 'org'],
  ['/teams/', 'team'],
];

/** The room alias localpart of a tenant, or null for tenants without a room (personal ones). */
export function roomAliasLocalpart(tenantId: string, aliasPrefix: string): string | null {
  for (const [prefix, short] of TENANT_KINDS) {
    if (!tenantId.startsWith(prefix)) continue;
    const slug = tenantId.slice(prefix.length);
    if (!slug || slug.includes('/')) return null;
    return `${aliasPrefix}${short}_${encodeLocalpart(slug)}`;
  }
  return null;
}

export function roomAliasFor(tenantId: string, aliasPrefix: string, serverName: string): string | null {
  const localpart = roomAliasLocalpart(tenantId, aliasPrefix);
  return localpart ? `#${localpart}:${serverName}` : null;
}
