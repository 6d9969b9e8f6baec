import { principalFromClaims, type Principal, type TenantDirectory } from '@wrrk/keycloak/principal.ts';
import { jwtClaims, type SessionTokens } from '../auth/token-set';

/**
 * The user as the orchestrator will see them: built from the access token's claims (roles and
 * groups), so what the shell shows matches what the API will allow. Falls back to the ID token
 * when the access token is not a JWT.
 */
export function principalFromTokens(tokens: SessionTokens, directory?: TenantDirectory): Principal | null {
  const claims = jwtClaims(tokens.accessToken) ?? jwtClaims(tokens.idToken);
  if (!claims) return null;
  try {
    return principalFromClaims(claims, directory);
  } catch {
    return null;
  }
}
