import { NextResponse } from 'next/server';
import { shellConfig } from '../../../../../lib/config';
import { parseWith, sessionRoute, ShellApiError, uuidParam } from '../../../../../lib/http/route-helpers';

export const dynamic = 'force-dynamic';

/**
 * The caller's own Jitsi JWT for this room (the orchestrator signs it; moderator for the host).
 * It goes to the browser because the Jitsi IFrame API needs it, and it is valid for this room only.
 */
export const POST = sessionRoute<{ id: string }>(async ({ session, params }) => {
  if (!shellConfig().jitsiUrl) throw new ShellApiError(503, 'not_connected', 'video is not connected: set JITSI_URL');
  const token = await session.orchestrator.consultationToken(parseWith(uuidParam, params.id, 'consultation id'));
  return NextResponse.json(token, { headers: { 'cache-control': 'no-store' } });
});
