/** Only same-site paths as post-sign-in targets (no `//host`, no scheme): open-redirect guard. */
export function safeCallbackPath(value: string | null | undefined, fallback = '/app'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // Control characters (tab, newline, …) can turn a path into something else in a Location header.
  if ([...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) return fallback;
  return value;
}
