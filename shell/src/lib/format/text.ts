/** API messages are lower-case phrases ("approval is already approved"); notices show sentences. */
export function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.]+$/, '');
  return trimmed ? trimmed[0]!.toUpperCase() + trimmed.slice(1) : trimmed;
}
