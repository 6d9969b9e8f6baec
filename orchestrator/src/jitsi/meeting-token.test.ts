import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JitsiSettings } from './jitsi-settings.ts';
import { mintMeetingToken } from './meeting-token.ts';
import { newRoomName, ROOM_NAME_PATTERN } from './room-names.ts';
import { verifyJitsiToken, type JitsiTokenRules } from './testing/jitsi-token-verifier.ts';

const settings: JitsiSettings = { baseUrl: 'https://meet.example.com', domain: 'meet.example.com', appId: 'wrrk', appSecret: 's3cret-s3cret-s3cret', audience: 'wrrk', tokenTtlSeconds: 900 };
const rules: JitsiTokenRules = { appId: 'wrrk', appSecret: settings.appSecret, acceptedIssuers: ['wrrk'], acceptedAudiences: ['wrrk'] };
const NOW = 1_900_000_000;

/** Hand-made tokens for the verifier's negative cases (no JWT library involved). */
function handmade(header: Record<string, unknown>, claims: Record<string, unknown>, secret = settings.appSecret, alg = 'sha256') {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${enc(header)}.${enc(claims)}`;
  return `${body}.${createHmac(alg, secret).update(body).digest('base64url')}`;
}
const goodClaims = { iss: 'wrrk', aud: 'wrrk', sub: '*', room: 'wrrk-room', iat: NOW, nbf: NOW - 30, exp: NOW + 900, context: { user: { id: 'u1', name: 'Ann' } } };
const goodHeader = { alg: 'HS256', typ: 'JWT' };

describe('meeting tokens as prosody checks them', () => {
  it('mints the shape the token plugin accepts, for every room name we generate', async () => {
    for (let i = 0; i < 20; i += 1) {
      const room = newRoomName();
      expect(room).toMatch(ROOM_NAME_PATTERN);
      const token = await mintMeetingToken(settings, { roomName: room, user: { id: `user-${i}`, name: 'Ann Example', email: null }, moderator: i % 2 === 0 }, new Date(NOW * 1000));
      const verdict = verifyJitsiToken(token.jwt, room, { ...rules, now: NOW, domainVerification: { xmppDomain: 'meet.jitsi' } });
      expect(verdict, token.jwt).toMatchObject({ ok: true, session: { affiliation: i % 2 === 0 ? 'owner' : 'member', room } });
      const [header, claims] = token.jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
      expect(claims).toMatchObject({ iss: 'wrrk', aud: 'wrrk', sub: '*', room, iat: NOW, nbf: NOW - 30, exp: NOW + 900 });
      expect(typeof claims.aud).toBe('string');
      expect(Object.values(claims.context.user).every((v) => typeof v === 'string')).toBe(true);
      expect(claims.context.user).not.toHaveProperty('email'); // absent fields are omitted, never null
    }
  });

  it('lower-cases the room claim and links to it', async () => {
    const token = await mintMeetingToken(settings, { roomName: 'WRRK-MixedCase', user: { id: 'u', name: 'U', email: 'u@example.com' }, moderator: false }, new Date(NOW * 1000));
    expect(token.roomName).toBe('wrrk-mixedcase');
    expect(token.url).toBe(`https://meet.example.com/wrrk-mixedcase?jwt=${token.jwt}`);
    expect(token.expiresAt).toBe(new Date((NOW + 900) * 1000).toISOString());
  });
});

describe('the verifier refuses what prosody refuses', () => {
  const cases: Array<[string, string, string]> = [
    ['typ missing', handmade({ alg: 'HS256' }, goodClaims), 'Invalid typ'],
    ['typ lower-case', handmade({ alg: 'HS256', typ: 'jwt' }, goodClaims), 'Invalid typ'],
    ['another algorithm', handmade({ alg: 'HS512', typ: 'JWT' }, goodClaims, settings.appSecret, 'sha512'), 'Invalid alg'],
    ['wrong secret', handmade(goodHeader, goodClaims, 'not-the-secret'), 'Invalid signature'],
    ['exp as a string', handmade(goodHeader, { ...goodClaims, exp: String(NOW + 900) }), "'exp' must be a number"],
    ['expired', handmade(goodHeader, { ...goodClaims, exp: NOW }), 'Not acceptable by exp'],
    ['not yet valid', handmade(goodHeader, { ...goodClaims, nbf: NOW + 60 }), 'Not acceptable by nbf'],
    ['another issuer', handmade(goodHeader, { ...goodClaims, iss: 'someone' }), "invalid 'iss' claim"],
    ['no audience', handmade(goodHeader, { ...goodClaims, aud: undefined }), "'aud' claim is missing"],
    ['audience as an array', handmade(goodHeader, { ...goodClaims, aud: ['wrrk'] }), "invalid 'aud' claim"],
    ['no room', handmade(goodHeader, { ...goodClaims, room: undefined }), "'room' claim is missing"],
    ['another room', handmade(goodHeader, { ...goodClaims, room: 'wrrk-other' }), 'room wrrk-room is not allowed by the token'],
    ['boolean in context.user', handmade(goodHeader, { ...goodClaims, context: { user: { id: 'u1', moderator: true } } }), 'context.user.moderator is not a string'],
    ['null in context.user', handmade(goodHeader, { ...goodClaims, context: { user: { id: 'u1', email: null } } }), 'context.user.email is not a string'],
    ['sub not the domain under domain verification', handmade(goodHeader, { ...goodClaims, sub: 'other.domain' }), "'sub' must be meet.jitsi or *"],
  ];
  it.each(cases)('%s', (_name, token, reason) => {
    expect(verifyJitsiToken(token, 'wrrk-room', { ...rules, now: NOW, domainVerification: { xmppDomain: 'meet.jitsi' } })).toEqual({ ok: false, reason });
  });

  it('accepts the hand-made good token, with the room compared case-insensitively', () => {
    expect(verifyJitsiToken(handmade(goodHeader, goodClaims), 'WRRK-ROOM', { ...rules, now: NOW })).toMatchObject({ ok: true, session: { affiliation: 'member' } });
    expect(verifyJitsiToken(handmade(goodHeader, { ...goodClaims, aud: ['x'] }), 'wrrk-room', { ...rules, acceptedAudiences: ['*'], now: NOW })).toMatchObject({ ok: true });
  });
});
