import { describe, expect, it } from 'vitest';
import { decodeLocalpart, encodeLocalpart, roomAliasFor, usernameFromUserId, userIdFor } from './matrix-ids.ts';

describe('Matrix ids of people', () => {
  it('keeps ordinary Keycloak usernames as they are', () => {
    expect(userIdFor('carol.ceo', 'example.com')).toBe('@carol.ceo:example.com');
    expect(userIdFor('olga-agent', 'example.com')).toBe('@olga-agent:example.com');
  });

  it('encodes the rest with the spec\'s mapping, reversibly', () => {
    const cases: Array<[string, string]> = [
      ['Carol', '_carol'],
      ['ann_b', 'ann__b'],
      ['jo@acme.test', 'jo=40acme.test'],
      ['zoë', 'zo=c3=ab'],
      ['a=b', 'a=3db'],
      ['x+y', 'x=2by'],
    ];
    for (const [username, localpart] of cases) {
      expect(encodeLocalpart(username)).toBe(localpart);
      expect(decodeLocalpart(localpart)).toBe(username);
      expect(encodeLocalpart(username)).toMatch(/^[a-z0-9._=\-/]+$/);
    }
  });

  it('maps only our own server\'s users back to usernames, and rejects invalid encodings', () => {
    expect(usernameFromUserId('@carol.ceo:example.com', 'example.com')).toBe('carol.ceo');
    expect(usernameFromUserId('@carol.ceo:evil.example', 'example.com')).toBeNull();
    expect(usernameFromUserId('carol.ceo', 'example.com')).toBeNull();
    expect(decodeLocalpart('bad_')).toBeNull();
    expect(decodeLocalpart('=zz')).toBeNull();
    expect(decodeLocalpart('Upper')).toBeNull();
    expect(decodeLocalpart('=c3')).toBeNull(); // a lone UTF-8 lead byte
  });
});

describe('tenant room aliases', () => {
  it('gives organisations and teams an alias in the application service\'s namespace', () => {
    expect(roomAliasFor('/organizations/acme-corp', 'wrrk_', 'example.com')).toBe('#wrrk_org_acme-corp:example.com');
    expect(roomAliasFor('/teams/Support_Desk', 'wrrk_', 'example.com')).toBe('#wrrk_team__support___desk:example.com');
    expect(roomAliasFor('/organizations/a', 'wrrk_', 'x')).not.toBe(roomAliasFor('/teams/a', 'wrrk_', 'x'));
  });

  it('gives personal tenants and anything else no room', () => {
    expect(roomAliasFor('2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa1', 'wrrk_', 'example.com')).toBeNull();
    expect(roomAliasFor('/organizations/a/b', 'wrrk_', 'example.com')).toBeNull();
    expect(roomAliasFor('/organizations/', 'wrrk_', 'example.com')).toBeNull();
  });
});
