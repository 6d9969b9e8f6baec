/**
 * The identity provider's endpoints, from OIDC discovery (`{issuer}/.well-known/openid-configuration`),
 * cached per issuer. A failed lookup is not cached, so a provider that starts after the shell is
 * picked up on the next request.
 */
export interface OidcEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint: string | null;
}

const TTL_MS = 10 * 60_000;
const TIMEOUT_MS = 5_000;
const cache = new Map<string, { at: number; value: Promise<OidcEndpoints> }>();

export class IdentityProviderUnavailableError extends Error {
  constructor(issuer: string, cause: unknown) {
    super(`identity provider unreachable at ${issuer} (OIDC_ISSUER): ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'IdentityProviderUnavailableError';
  }
}

async function fetchEndpoints(issuer: string, fetchImpl: typeof fetch): Promise<OidcEndpoints> {
  let response: Response;
  try {
    response = await fetchImpl(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(TIMEOUT_MS), cache: 'no-store' });
  } catch (error) {
    throw new IdentityProviderUnavailableError(issuer, error);
  }
  if (!response.ok) throw new IdentityProviderUnavailableError(issuer, new Error(`discovery answered ${response.status}`));
  const doc = (await response.json()) as Record<string, unknown>;
  // OIDC Discovery 4.3: the document must name the issuer we asked for (mix-up defence).
  if (doc['issuer'] !== issuer) throw new IdentityProviderUnavailableError(issuer, new Error(`discovery names issuer ${String(doc['issuer'])}`));
  const str = (key: string) => (typeof doc[key] === 'string' ? (doc[key] as string) : null);
  const token = str('token_endpoint');
  const authorization = str('authorization_endpoint');
  if (!token || !authorization) throw new IdentityProviderUnavailableError(issuer, new Error('discovery lacks token or authorization endpoint'));
  return { issuer, authorizationEndpoint: authorization, tokenEndpoint: token, endSessionEndpoint: str('end_session_endpoint') };
}

export function discoverEndpoints(issuer: string, fetchImpl: typeof fetch = fetch, now = Date.now()): Promise<OidcEndpoints> {
  const hit = cache.get(issuer);
  if (hit && now - hit.at < TTL_MS) return hit.value;
  const value = fetchEndpoints(issuer, fetchImpl);
  cache.set(issuer, { at: now, value });
  value.catch(() => {
    if (cache.get(issuer)?.value === value) cache.delete(issuer);
  });
  return value;
}
