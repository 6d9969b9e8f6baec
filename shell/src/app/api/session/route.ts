import { NextResponse } from 'next/server';
import { sessionRoute } from '../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/** Who is signed in (no tokens): browser code asks this after its event stream drops. */
export const GET = sessionRoute(async ({ session }) =>
  NextResponse.json({
    user: { id: session.principal.id, name: session.principal.name, username: session.principal.username, roles: session.principal.roles },
    tenant: session.tenant,
    expiresAt: new Date(session.tokens.accessTokenExpiresAt * 1000).toISOString(),
  }),
);
