import { SignJWT } from 'jose';
import type { JitsiSettings } from './jitsi-settings.ts';

/**
 * Per-user meeting tokens in the shape prosody's token plugin accepts (jitsi-meet
 * `token/util.lib.lua` + `luajwtjitsi.lib.lua`, lib-jitsi-meet `doc/tokens.md`):
 * - header `{ alg: HS256, typ: JWT }` (the plugin requires `typ` to be exactly "JWT"),
 *   signed with the app secret;
 * - `iss` = app id, `aud` one string (an array only passes when any audience is accepted),
 *   `sub` = `*` (valid with and without domain verification), `room` = the room, lower-case;
 * - numeric `iat`/`nbf`/`exp`, short-lived: the token is checked when joining only;
 * - `context.user` with string values only (presence identity turns them into XML text):
 *   the host gets `moderator: "true"` / `affiliation: "owner"` (mod_token_affiliation makes them
 *   the room owner), everyone else `affiliation: "member"`.
 */
export interface MeetingTokenInput {
  roomName: string;
  user: { id: string; name: string; email: string | null };
  moderator: boolean;
}

export interface MeetingToken {
  jwt: string;
  roomName: string;
  domain: string;
  url: string;
  expiresAt: string;
}

// Clock skew between the orchestrator and prosody: accept the token from a little before now.
const NOT_BEFORE_SKEW_SECONDS = 30;

export async function mintMeetingToken(settings: JitsiSettings, input: MeetingTokenInput, now: Date = new Date()): Promise<MeetingToken> {
  const room = input.roomName.toLowerCase();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + settings.tokenTtlSeconds;
  const user: Record<string, string> = { id: input.user.id, name: input.user.name, affiliation: input.moderator ? 'owner' : 'member' };
  if (input.user.email) user['email'] = input.user.email;
  if (input.moderator) user['moderator'] = 'true';

  const jwt = await new SignJWT({ room, context: { user } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(settings.appId)
    .setAudience(settings.audience)
    .setSubject('*')
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt - NOT_BEFORE_SKEW_SECONDS)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(settings.appSecret));

  return {
    jwt,
    roomName: room,
    domain: settings.domain,
    url: `${settings.baseUrl}/${encodeURIComponent(room)}?jwt=${jwt}`,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}
