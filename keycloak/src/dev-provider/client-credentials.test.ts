import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devClients } from '../testing/dev-fixtures.ts';
import { clientCredentialsToken, TokenRequestError } from '../testing/password-login.ts';
import { startDevProvider, type DevProvider } from './index.ts';

const SERVICE_ACCOUNT_ID = '3bcf5ac3-b963-4981-be4f-791643a9e27c';
const clients = devClients();
let idp: DevProvider;

beforeAll(async () => {
  idp = await startDevProvider({ port: 0, dataDir: null, env: {} });
});
afterAll(async () => {
  await idp.close();
});

describe('client credentials (service accounts)', () => {
  it('issues the orchestrator\'s service-account token with Keycloak\'s claims', async () => {
    const tokens = await clientCredentialsToken({ issuer: idp.issuer, ...clients.orchestrator });
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, refreshToken: undefined, idToken: undefined, scope: 'email profile' });
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/protocol/openid-connect/certs`));
    const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, jwks, { issuer: idp.issuer, audience: 'realm-management' });
    expect(protectedHeader.typ).toBe('JWT');
    expect(payload).toMatchObject({
      sub: SERVICE_ACCOUNT_ID,
      typ: 'Bearer',
      azp: 'orchestrator',
      client_id: 'orchestrator',
      preferred_username: 'service-account-orchestrator',
      email_verified: false,
      scope: 'email profile',
      clientAddress: '127.0.0.1',
      resource_access: {
        'realm-management': { roles: expect.arrayContaining(['view-users', 'query-users', 'query-groups', 'view-realm']) },
      },
    });
    // No browser session behind a service account.
    expect(payload).not.toHaveProperty('sid');
    expect(payload).not.toHaveProperty('groups');
  });

  it('accepts the secret in the form body too (client_secret_post), as Keycloak does', async () => {
    const response = await fetch(`${idp.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orchestrator', client_secret: clients.orchestrator.clientSecret }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', 'not-before-policy': 0, refresh_expires_in: 0 });
  });

  it('refuses a wrong secret, and clients without a service account', async () => {
    await expect(clientCredentialsToken({ issuer: idp.issuer, clientId: 'orchestrator', clientSecret: 'wrong' })).rejects.toMatchObject({ status: 401, error: 'invalid_client' });
    const shell = await clientCredentialsToken({ issuer: idp.issuer, clientId: 'shell', clientSecret: clients.shell.clientSecret }).catch((error: unknown) => error);
    expect(shell).toBeInstanceOf(TokenRequestError);
    expect(shell).toMatchObject({ error: 'unauthorized_client', errorDescription: 'Client not enabled to retrieve service account' });
  });

  it('refuses the password grant: users sign in through the login page (direct access grants are off)', async () => {
    const response = await fetch(`${idp.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'wrrk-dashboard', username: 'alice.agent', password: 'demo' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unauthorized_client', error_description: 'Client not allowed for direct access grants' });
  });
});
