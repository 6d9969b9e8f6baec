import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An independent check of meeting tokens, written from the rules of prosody's token plugin
 * (jitsi-meet `resources/prosody-plugins/token/util.lib.lua`, `luajwtjitsi.lib.lua` `M.verify`,
 * `mod_token_verification.lua`, `mod_token_affiliation.lua`; lib-jitsi-meet `doc/tokens.md`).
 * It shares no code with the minting side (no jose): tokens are split, decoded and checked by
 * hand, so a mistake in how the project builds tokens cannot hide in a shared library call.
 *
 * The messages follow the plugin's ("Not acceptable by exp", …) where it has one.
 */
export interface JitsiTokenRules {
  appId: string;
  appSecret: string;
  /** `signature_algorithm`; HS256 with app_secret. */
  algorithm?: 'HS256' | 'HS384' | 'HS512';
  /** `asap_accepted_issuers`; default `{app_id}`. */
  acceptedIssuers?: string[];
  /** `asap_accepted_audiences`; default `{'*'}`. */
  acceptedAudiences?: string[];
  /** `asap_require_room_claim`; default true. */
  requireRoomClaim?: boolean;
  /** `enable_domain_verification`: then `sub` must be the XMPP domain, a tenant or `*`. */
  domainVerification?: { xmppDomain: string } | null;
  /** Seconds since the epoch (os.time()). */
  now?: number;
}

export interface JitsiSession {
  room: string;
  sub: unknown;
  contextUser: Record<string, string> | null;
  /** What mod_token_affiliation grants: owner (moderator) or member. */
  affiliation: 'owner' | 'member';
}

export type Verdict = { ok: true; session: JitsiSession } | { ok: false; reason: string };

const HMAC: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function b64urlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new Error('not base64url');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Verifies `token` for joining `requestedRoom` (the MUC room node the client joins). */
export function verifyJitsiToken(token: string, requestedRoom: string, rules: JitsiTokenRules): Verdict {
  const algorithm = rules.algorithm ?? 'HS256';
  const now = rules.now ?? Math.floor(Date.now() / 1000);
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'Invalid token: not three segments' };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = b64urlJson(parts[0]!) as Record<string, unknown>;
    claims = b64urlJson(parts[1]!) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'Invalid token: segments are not base64url JSON' };
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object' || Array.isArray(claims)) return { ok: false, reason: 'Invalid token: not JSON objects' };

  // luajwtjitsi M.verify
  if (header['typ'] !== 'JWT') return { ok: false, reason: 'Invalid typ' };
  if (header['alg'] !== algorithm) return { ok: false, reason: 'Invalid alg' };
  const expected = createHmac(HMAC[algorithm]!, rules.appSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'Invalid signature' };
  if (claims['exp'] !== undefined && typeof claims['exp'] !== 'number') return { ok: false, reason: "'exp' must be a number" };
  if (claims['nbf'] !== undefined && typeof claims['nbf'] !== 'number') return { ok: false, reason: "'nbf' must be a number" };
  if (typeof claims['exp'] === 'number' && now >= claims['exp']) return { ok: false, reason: 'Not acceptable by exp' };
  if (typeof claims['nbf'] === 'number' && now < claims['nbf']) return { ok: false, reason: 'Not acceptable by nbf' };
  const issuers = rules.acceptedIssuers ?? [rules.appId];
  if (typeof claims['iss'] !== 'string') return { ok: false, reason: "'iss' claim is missing" };
  if (!issuers.includes('*') && !issuers.includes(claims['iss'])) return { ok: false, reason: 'invalid \'iss\' claim' };
  const audiences = rules.acceptedAudiences ?? ['*'];
  if (claims['aud'] === undefined) return { ok: false, reason: "'aud' claim is missing" };
  // Compared with ==: an array only passes when any audience is accepted.
  if (!audiences.includes('*') && !(typeof claims['aud'] === 'string' && audiences.includes(claims['aud']))) return { ok: false, reason: 'invalid \'aud\' claim' };

  // util.lib.lua process_and_verify_token / verify_room
  const requireRoom = rules.requireRoomClaim ?? true;
  if (requireRoom && claims['room'] === undefined) return { ok: false, reason: "'room' claim is missing" };
  const room = claims['room'];
  if (room !== undefined && typeof room !== 'string') return { ok: false, reason: "'room' must be a string" };
  if (room !== '*' && String(room ?? '').toLowerCase() !== requestedRoom.toLowerCase()) return { ok: false, reason: `room ${requestedRoom} is not allowed by the token` };
  if (rules.domainVerification && !['*', rules.domainVerification.xmppDomain].includes(String(claims['sub']).toLowerCase())) {
    return { ok: false, reason: `'sub' must be ${rules.domainVerification.xmppDomain} or *` };
  }

  // context.user: "all fields need to be a valid string; numeric types or null generate an exception"
  let contextUser: Record<string, string> | null = null;
  const context = claims['context'];
  if (context !== undefined) {
    if (!context || typeof context !== 'object') return { ok: false, reason: "'context' must be an object" };
    const user = (context as Record<string, unknown>)['user'];
    if (user !== undefined) {
      if (!user || typeof user !== 'object' || Array.isArray(user)) return { ok: false, reason: "'context.user' must be an object" };
      for (const [key, value] of Object.entries(user)) {
        if (typeof value !== 'string') return { ok: false, reason: `context.user.${key} is not a string` };
      }
      contextUser = user as Record<string, string>;
    }
  }

  // mod_token_affiliation: owner when affiliation is owner/moderator/teacher or moderator is true/"true".
  const affiliation = contextUser && (['owner', 'moderator', 'teacher'].includes(contextUser['affiliation'] ?? '') || contextUser['moderator'] === 'true') ? 'owner' : 'member';
  return { ok: true, session: { room: String(room), sub: claims['sub'], contextUser, affiliation } };
}
