import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { principalFromClaims, type Principal, type TenantDirectory } from '@wrrk/keycloak/principal.ts';
import { AppError } from '../http/app-error.ts';

/**
 * Verifies Keycloak access tokens (ASVS 5.0 V9): keys only from the issuer's JWKS found by
 * OIDC discovery, algorithm pinned to RS256, `iss`, `aud`, `exp`/`nbf` with a small leeway,
 * and the token type (an ID token is not an access token). jose caches the key set and
 * refetches it, rate-limited, when a token names an unknown `kid` (key rotation).
 */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  directory?: TenantDirectory;
  /** For tests: how long discovery failures are remembered before retrying. */
  discoveryRetryMs?: number;
}

const DISCOVERY_TIMEOUT_MS = 5_000;
// ERR_JOSE_GENERIC is raised only by the remote key-set fetch (non-200 answer, unparsable body).
const PROVIDER_FAILURES = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

async function discoverJwksUri(issuer: string): Promise<URL> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`OIDC discovery at ${issuer} answered ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  // OIDC Discovery §4.3: the document must name the issuer we asked; anything else is a mix-up.
  if (document.issuer !== issuer) throw new Error(`OIDC discovery issuer mismatch: expected ${issuer}, got ${String(document.issuer)}`);
  if (typeof document.jwks_uri !== 'string') throw new Error('OIDC discovery document has no jwks_uri');
  return new URL(document.jwks_uri);
}

const unauthenticated = (message: string, cause?: unknown) =>
  new AppError('unauthenticated', message, { headers: { 'WWW-Authenticate': 'Bearer realm="wrrk", error="invalid_token"' }, cause });

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
  let pending: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  const keys = () => {
    if (keySet) return Promise.resolve(keySet);
    pending ??= discoverJwksUri(options.issuer).then(
      (uri) => (keySet = createRemoteJWKSet(uri, { cooldownDuration: 10_000, cacheMaxAge: 10 * 60_000 })),
      (error: unknown) => {
        pending = undefined; // the provider may come up later: try again on the next request
        throw error;
      },
    );
    return pending;
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        const jwks = await keys();
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms: ['RS256'],
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (error) {
        // jose reports a failing key-set endpoint (non-200, timeout, not a key set) as JOSE
        // errors too: that is the provider's outage, not a bad token, so 503 like discovery.
        if (error instanceof joseErrors.JOSEError && !PROVIDER_FAILURES.has(error.code)) throw unauthenticated(describeJoseError(error), error);
        throw new AppError('service_unavailable', 'identity provider unreachable: cannot verify tokens right now', { cause: error, headers: { 'Retry-After': '5' } });
      }
      // Keycloak marks access tokens `typ: Bearer`; ID tokens say `ID` and must not open the API.
      if (payload['typ'] !== undefined && payload['typ'] !== 'Bearer') throw unauthenticated(`token type ${String(payload['typ'])} is not an access token`);
      try {
        return principalFromClaims(payload as Record<string, unknown>, options.directory);
      } catch (error) {
        throw unauthenticated((error as Error).message, error);
      }
    },
  };
}

function describeJoseError(error: joseErrors.JOSEError): string {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim rejected: ${(error as joseErrors.JWTClaimValidationFailed).claim} (${error.message})`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm not allowed (RS256 only)';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'token signed with an unknown key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature invalid';
    default:
      return 'token invalid';
  }
}
