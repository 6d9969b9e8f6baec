/**
 * Keycloak's rules for a client's redirect URIs, post-logout redirect URIs and web origins
 * (keycloak/keycloak `services/.../protocol/oidc/utils/RedirectUtils.java`,
 * `WebOriginsUtils.java`), so that the development provider accepts and refuses the same URIs
 * Keycloak would for the same realm file.
 */

/** `post.logout.redirect.uris` is one string with values joined by `##`; `+` means "the redirect URIs". */
export function postLogoutRedirectUris(attribute: string | undefined, redirectUris: readonly string[]): string[] {
  if (!attribute) return [];
  const values = attribute.split('##').map((value) => value.trim()).filter(Boolean);
  return values.flatMap((value) => (value === '+' ? [...redirectUris] : [value]));
}

/**
 * Whether `candidate` matches one of the registered URIs. A registered URI ending in `*` matches
 * any URI that starts with the part before the `*` (the query is ignored for such a match
 * unless the pattern itself has one); every other registered URI must match exactly.
 */
export function redirectUriAllowed(candidate: string, registered: readonly string[]): boolean {
  if (hasTraversal(candidate)) return false;
  for (const pattern of registered) {
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      const subject = pattern.includes('?') ? candidate : stripQueryAndFragment(candidate);
      if (subject.startsWith(prefix) || subject === prefix.replace(/\/$/, '')) return true;
    } else if (candidate === pattern) {
      return true;
    }
  }
  return false;
}

/**
 * The origins allowed to call the token endpoint from a browser (CORS) and listed in the
 * access token's `allowed-origins` claim: each web origin as given, `+` for the origins of the
 * redirect URIs, `*` for any origin.
 */
export function resolveWebOrigins(webOrigins: readonly string[], redirectUris: readonly string[]): string[] {
  const origins = new Set<string>();
  for (const entry of webOrigins) {
    if (entry === '+') {
      for (const uri of redirectUris) {
        const origin = originOf(uri.replace(/\*$/, ''));
        if (origin) origins.add(origin);
      }
    } else if (entry === '*') {
      origins.add('*');
    } else {
      origins.add(entry.replace(/\/+$/, ''));
    }
  }
  return [...origins];
}

export function originAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  return allowedOrigins.includes('*') || allowedOrigins.includes(origin);
}

export function originOf(uri: string): string | null {
  const parsed = URL.parse(uri);
  return parsed && parsed.origin !== 'null' ? parsed.origin : null;
}

function stripQueryAndFragment(uri: string): string {
  const end = uri.search(/[?#]/);
  return end === -1 ? uri : uri.slice(0, end);
}

function hasTraversal(uri: string): boolean {
  const path = stripQueryAndFragment(uri);
  return /(^|\/)\.\.?(\/|$)/.test(path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')) || path.includes('\\');
}
