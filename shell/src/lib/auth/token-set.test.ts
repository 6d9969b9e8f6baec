import { describe, expect, it } from 'vitest';
import { jwtClaims, REFRESH_MARGIN_SECONDS, tokensFromResponse, tokenState, type SessionTokens } from './token-set';

const tokens = (overrides: Partial<SessionTokens> = {}): SessionTokens => ({ accessToken: 'a', accessTokenExpiresAt: 1000, refreshToken: 'r', refreshTokenExpiresAt: 5000, idToken: 'i', ...overrides });

describe('token state', () => {
  it('refreshes inside the margin before expiry, not before', () => {
    expect(tokenState(tokens(), 1000 - REFRESH_MARGIN_SECONDS - 1)).toBe('fresh');
    expect(tokenState(tokens(), 1000 - REFRESH_MARGIN_SECONDS)).toBe('refresh');
    expect(tokenState(tokens(), 2000)).toBe('refresh');
  });

  it('is over when nothing can renew it', () => {
    expect(tokenState(tokens({ refreshToken: null }), 1001)).toBe('expired');
    expect(tokenState(tokens({ refreshToken: null }), 990)).toBe('fresh');
    expect(tokenState(tokens({ refreshTokenExpiresAt: 900 }), 1001)).toBe('expired');
  });

  it('keeps the previous refresh and ID tokens when the provider sends none', () => {
    expect(tokensFromResponse({ access_token: 'a2', expires_in: 60 }, tokens(), 100)).toEqual({ accessToken: 'a2', accessTokenExpiresAt: 160, refreshToken: 'r', refreshTokenExpiresAt: 5000, idToken: 'i' });
    expect(tokensFromResponse({ access_token: 'a2', expires_in: 60, refresh_token: 'r2', refresh_expires_in: 0 }, tokens(), 100)).toMatchObject({ refreshToken: 'r2', refreshTokenExpiresAt: null });
  });

  it('reads JWT claims and tolerates opaque tokens', () => {
    const jwt = `x.${Buffer.from(JSON.stringify({ sub: 'u1', groups: ['/teams/a'] })).toString('base64url')}.y`;
    expect(jwtClaims(jwt)).toEqual({ sub: 'u1', groups: ['/teams/a'] });
    expect(jwtClaims('opaque')).toBeNull();
    expect(jwtClaims('a.%%%.b')).toBeNull();
    expect(jwtClaims(null)).toBeNull();
  });
});
