import { describe, expect, it } from 'vitest';
import { createTokenRefresher } from './refresh-tokens';
import type { SessionTokens } from './token-set';

const session = (refreshToken: string | null = 'rt-1'): SessionTokens => ({ accessToken: 'at-1', accessTokenExpiresAt: 100, refreshToken, refreshTokenExpiresAt: null, idToken: 'id-1' });

/** A token endpoint with Keycloak's rotation and reuse detection: each refresh token works once. */
function rotatingProvider(delayMs = 20) {
  const valid = new Set(['rt-1']);
  let issued = 1;
  let calls = 0;
  const request = async (refreshToken: string) => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (!valid.delete(refreshToken)) {
      valid.clear(); // reuse detected: the whole grant dies
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Maximum allowed refresh token reuse exceeded' } };
    }
    issued += 1;
    valid.add(`rt-${issued}`);
    return { status: 200, body: { access_token: `at-${issued}`, expires_in: 300, refresh_token: `rt-${issued}`, refresh_expires_in: 1800, id_token: `id-${issued}` } };
  };
  return { request, calls: () => calls };
}

describe('token refresh', () => {
  it('makes one call for any number of concurrent requests of a session', async () => {
    const provider = rotatingProvider();
    const refresher = createTokenRefresher(provider.request, { now: () => 1_000_000 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => refresher.refresh(session())));
    expect(provider.calls()).toBe(1);
    for (const outcome of outcomes) expect(outcome).toEqual({ ok: true, tokens: { accessToken: 'at-2', accessTokenExpiresAt: 1300, refreshToken: 'rt-2', refreshTokenExpiresAt: 2800, idToken: 'id-2' } });
  });

  it('gives a late request with the spent token the same renewal (no reuse, so no revoked grant)', async () => {
    let now = 1_000_000;
    const provider = rotatingProvider();
    const refresher = createTokenRefresher(provider.request, { now: () => now, reuseWindowMs: 60_000 });
    const first = await refresher.refresh(session());
    now += 30_000;
    const late = await refresher.refresh(session());
    expect(late).toEqual(first);
    expect(provider.calls()).toBe(1);
    // The rotated token renews again.
    const next = await refresher.refresh((first as { tokens: SessionTokens }).tokens);
    expect(next).toMatchObject({ ok: true, tokens: { refreshToken: 'rt-3' } });
  });

  it('without the serialiser the same burst would end the session (the race this prevents)', async () => {
    const provider = rotatingProvider();
    const outcomes = await Promise.all([provider.request('rt-1'), provider.request('rt-1')]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 400]);
  });

  it('reports a refused refresh as the end of the session, and keeps that verdict for the burst', async () => {
    const provider = rotatingProvider();
    const refresher = createTokenRefresher(provider.request);
    const [a, b] = await Promise.all([refresher.refresh(session('rt-unknown')), refresher.refresh(session('rt-unknown'))]);
    expect(a).toEqual({ ok: false, reason: 'invalid', message: 'Maximum allowed refresh token reuse exceeded' });
    expect(b).toEqual(a);
    expect(provider.calls()).toBe(1);
  });

  it('retries after the provider was unreachable instead of remembering the outage', async () => {
    let down = true;
    let calls = 0;
    const refresher = createTokenRefresher(async () => {
      calls += 1;
      if (down) throw new Error('connect ECONNREFUSED');
      return { status: 200, body: { access_token: 'at-x', expires_in: 60 } };
    });
    expect(await refresher.refresh(session())).toEqual({ ok: false, reason: 'unavailable', message: 'connect ECONNREFUSED' });
    down = false;
    const outcome = await refresher.refresh(session());
    expect(outcome).toMatchObject({ ok: true, tokens: { accessToken: 'at-x', refreshToken: 'rt-1' } });
    expect(calls).toBe(2);
  });

  it('treats a server error as unavailable and no refresh token as the end', async () => {
    const refresher = createTokenRefresher(async () => ({ status: 502, body: null }));
    expect(await refresher.refresh(session())).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(await refresher.refresh(session(null))).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
