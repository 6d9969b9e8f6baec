/** Browsers ask for /favicon.ico regardless of the icon link; point them at the SVG icon. */
export function GET(request: Request): Response {
  return Response.redirect(new URL('/icon.svg', request.url), 308);
}
