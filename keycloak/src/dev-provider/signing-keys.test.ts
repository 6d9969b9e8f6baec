import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO_PASSWORD, devClients } from '../testing/dev-fixtures.ts';
import { loginWithPassword, logout, refreshTokens } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';
import { MAX_SIGNING_KEYS } from './key-store.ts';

const clients = devClients();
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function start(options: Parameters<typeof startDevProvider>[0] = {}): Promise<DevProvider> {
  const idp = await startDevProvider({ port: 0, dataDir: null, env: {}, ...options });
  cleanup.push(() => idp.close());
  return idp;
}

async function jwks(idp: DevProvider): Promise<JSONWebKeySet> {
  return (await (await fetch(`${idp.issuer}/protocol/openid-connect/certs`)).json()) as JSONWebKeySet;
}

describe('signing keys', () => {
  it('persist with the sessions in the data dir, so a restart keeps everyone signed in', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wrrk-dev-oidc-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startDevProvider({ port: 0, dataDir, env: {} });
    const login = await loginWithPassword({ issuer: first.issuer, ...clients.shell, username: 'alice.agent', password: DEMO_PASSWORD });
    const before = await jwks(first);
    await first.close();

    const second = await start({ port: first.port, dataDir });
    expect(second.issuer).toBe(first.issuer);
    expect(await jwks(second)).toEqual(before);
    await expect(jwtVerify(login.accessToken, createLocalJWKSet(await jwks(second)), { issuer: second.issuer })).resolves.toBeDefined();
    // The refresh token, the browser session (no login form) and the userinfo session check survive.
    const refreshed = await refreshTokens({ issuer: second.issuer, ...clients.shell, refreshToken: login.refreshToken! });
    const again = await loginWithPassword({ issuer: second.issuer, ...clients.shell, username: 'x', password: 'not checked', session: login.session });
    expect(again.accessToken).toEqual(expect.any(String));
    const userinfo = await fetch(`${second.issuer}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${refreshed.accessToken}` } });
    expect(userinfo.status).toBe(200);
  });

  it('rotate: new tokens use the new key, tokens signed before still verify, an old ID token still logs out', async () => {
    const idp = await start();
    const login = await loginWithPassword({ issuer: idp.issuer, ...clients.shell, username: 'mark.manager', password: DEMO_PASSWORD });
    const oldKid = decodeProtectedHeader(login.accessToken).kid;

    const newKid = await idp.rotateSigningKey();
    expect(newKid).not.toBe(oldKid);
    const keys = await jwks(idp);
    expect(keys.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    expect(keys.keys.every((key) => key['d'] === undefined)).toBe(true);

    const refreshed = await refreshTokens({ issuer: idp.issuer, ...clients.shell, refreshToken: login.refreshToken! });
    expect(decodeProtectedHeader(refreshed.accessToken).kid).toBe(newKid);
    const verify = async (token: string) => jwtVerify(token, createLocalJWKSet(await jwks(idp)), { issuer: idp.issuer, audience: 'orchestrator' });
    await expect(verify(login.accessToken)).resolves.toBeDefined();
    await expect(verify(refreshed.accessToken)).resolves.toBeDefined();

    const result = await logout({ issuer: idp.issuer, session: login.session, idToken: login.idToken!, postLogoutRedirectUri: clients.shell.postLogoutRedirectUri });
    expect(result.location).toBe(clients.shell.postLogoutRedirectUri);
  });

  it('sign test tokens on request (for negative tests), verifiable with the JWKS', async () => {
    const idp = await start();
    const verify = async (token: string) => jwtVerify(token, createLocalJWKSet(await jwks(idp)), { issuer: idp.issuer, audience: 'orchestrator' });
    const valid = await idp.signToken({ sub: 'u1', aud: 'orchestrator', typ: 'Bearer' });
    await expect(verify(valid)).resolves.toMatchObject({ payload: { sub: 'u1', iss: idp.issuer } });
    const expired = await idp.signToken({ sub: 'u1', aud: 'orchestrator', exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(verify(expired)).rejects.toThrow(/"exp" claim timestamp check failed/);
  });

  it(`keep the last ${MAX_SIGNING_KEYS} keys in the JWKS`, async () => {
    const idp = await start();
    const kids = [(await jwks(idp)).keys[0]!.kid];
    for (let rotation = 0; rotation < MAX_SIGNING_KEYS; rotation += 1) kids.unshift(await idp.rotateSigningKey());
    expect((await jwks(idp)).keys.map((key) => key.kid)).toEqual(kids.slice(0, MAX_SIGNING_KEYS));
  });
});
