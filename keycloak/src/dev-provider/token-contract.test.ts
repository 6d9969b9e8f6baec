/**
 * Contract test: the development provider's access token has exactly the claims of a Keycloak 26
 * access token for the same realm and client, each with the same JSON type (nested objects
 * compared member by member). The recorded token and where its shape comes from:
 * fixtures/keycloak-26-access-token.json.
 */
import { readFileSync } from 'node:fs';

import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { principalFromClaims } from '../principal.ts';
import { DEMO_PASSWORD, devClients } from '../testing/dev-fixtures.ts';
import { loginWithPassword } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';

interface RecordedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const keycloak = JSON.parse(readFileSync(new URL('./fixtures/keycloak-26-access-token.json', import.meta.url), 'utf8')) as RecordedToken;

/**
 * A value's JSON shape: "string", "number", "boolean", "string[]", or an object mapping member
 * names to their shapes. Values differ between servers; shapes must not.
 */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return `${[...new Set(value.map((item) => String(shape(item))))].join('|') || 'empty'}[]`;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, item]) => [key, shape(item)]));
  }
  return value === null ? 'null' : typeof value;
}

let idp: DevProvider;
let devToken: string;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
  const tokens = await loginWithPassword({ issuer: idp.issuer, ...devClients().shell, username: 'alice.agent', password: DEMO_PASSWORD });
  devToken = tokens.accessToken;
});
afterAll(async () => {
  await idp.close();
});

describe('access token contract with Keycloak 26', () => {
  it('has the same claims, name by name and type by type', () => {
    const dev = decodeJwt(devToken) as Record<string, unknown>;
    expect(Object.keys(dev).sort()).toEqual(Object.keys(keycloak.payload).sort());
    for (const [claim, value] of Object.entries(keycloak.payload)) {
      expect({ claim, shape: shape(dev[claim]) }).toEqual({ claim, shape: shape(value) });
    }
  });

  it('has the same header fields and algorithm', () => {
    const header = decodeProtectedHeader(devToken) as Record<string, unknown>;
    expect(shape(header)).toEqual(shape(keycloak.header));
    expect(header).toMatchObject({ alg: keycloak.header['alg'], typ: keycloak.header['typ'] });
  });

  it('carries the same values where the realm decides them', () => {
    const dev = decodeJwt(devToken) as Record<string, unknown>;
    for (const claim of ['sub', 'typ', 'azp', 'acr', 'scope', 'groups', 'preferred_username', 'name', 'given_name', 'family_name', 'email', 'email_verified', 'allowed-origins']) {
      expect({ claim, value: dev[claim] }).toEqual({ claim, value: keycloak.payload[claim] });
    }
    const sorted = (value: unknown): unknown => (Array.isArray(value) ? [...value].sort() : value);
    expect(sorted(dev['aud'])).toEqual(sorted(keycloak.payload['aud']));
    expect(sorted((dev['realm_access'] as { roles: string[] }).roles)).toEqual(sorted((keycloak.payload['realm_access'] as { roles: string[] }).roles));
    expect(dev['iss']).toBe(idp.issuer);
  });

  it('gives the same principal as the Keycloak token', () => {
    expect(principalFromClaims(decodeJwt(devToken))).toEqual(principalFromClaims(keycloak.payload));
  });
});
