import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';

/**
 * Test double of Keycloak's token side: a local HTTP server with OIDC discovery and a JWKS
 * holding a real RSA key, and a function that signs Keycloak-shaped access tokens with it.
 * The orchestrator verifies these exactly as it verifies Keycloak's (no stubbed verifier).
 */
export interface Persona {
  sub: string;
  username: string;
  name: string;
  email?: string;
  roles: string[];
  groups: string[];
}

export const PERSONAS = {
  alice: { sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa1', username: 'alice.agent', name: 'Alice Agent', email: 'alice@acme.test', roles: ['agent'], groups: ['/organizations/acme-corp', '/teams/support'] },
  mark: { sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa2', username: 'mark.manager', name: 'Mark Manager', email: 'mark@acme.test', roles: ['manager'], groups: ['/organizations/acme-corp'] },
  carol: { sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa3', username: 'carol.ceo', name: 'Carol CEO', email: 'carol@acme.test', roles: ['ceo'], groups: ['/organizations/acme-corp'] },
  adam: { sub: '2b1c6c1e-0d7a-4c1e-9d55-aaaaaaaaaaa4', username: 'adam.admin', name: 'Adam Admin', email: 'adam@acme.test', roles: ['admin'], groups: ['/organizations/acme-corp'] },
  olga: { sub: '2b1c6c1e-0d7a-4c1e-9d55-bbbbbbbbbbb1', username: 'olga.agent', name: 'Olga Agent', email: 'olga@globex.test', roles: ['agent'], groups: ['/organizations/globex'] },
  gus: { sub: '2b1c6c1e-0d7a-4c1e-9d55-bbbbbbbbbbb2', username: 'gus.ceo', name: 'Gus CEO', email: 'gus@globex.test', roles: ['ceo'], groups: ['/organizations/globex'] },
} satisfies Record<string, Persona>;

export const ACME = '/organizations/acme-corp';
export const GLOBEX = '/organizations/globex';

export interface TestIssuer {
  issuer: string;
  audience: string;
  token(persona: Persona, overrides?: Record<string, unknown> & { expiresInSeconds?: number; kid?: string }): Promise<string>;
  /** Adds a new signing key (old one stays published) and signs with it from now on. */
  rotateKey(): Promise<void>;
  discoveryRequests: () => number;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(index: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = `test-key-${index}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startTestIssuer(options: { audience?: string; realm?: string } = {}): Promise<TestIssuer> {
  const audience = options.audience ?? 'orchestrator';
  const keys: SigningKey[] = [await newKey(1)];
  let discoveries = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    res.setHeader('content-type', 'application/json');
    if (path.endsWith('/.well-known/openid-configuration')) {
      discoveries += 1;
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (path.endsWith('/protocol/openid-connect/certs')) {
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/${options.realm ?? 'wrrk'}`;

  return {
    issuer,
    audience,
    async token(persona, overrides = {}) {
      const { expiresInSeconds = 300, kid, ...claims } = overrides;
      const key = kid ? keys.find((k) => k.kid === kid)! : keys[keys.length - 1]!;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        typ: 'Bearer',
        azp: 'shell',
        sid: 'test-session',
        scope: 'openid profile email',
        preferred_username: persona.username,
        name: persona.name,
        email: persona.email,
        realm_access: { roles: persona.roles },
        groups: persona.groups,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience([audience, 'account'])
        .setSubject(persona.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .setJti(crypto.randomUUID())
        .sign(key.privateKey);
    },
    async rotateKey() {
      keys.push(await newKey(keys.length + 1));
    },
    discoveryRequests: () => discoveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
