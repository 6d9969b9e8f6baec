import { NextResponse } from 'next/server';
import { sessionRoute } from '../../../../lib/http/route-helpers';
import { moduleHealthSnapshot } from '../../../../lib/modules/module-health-snapshot';

export const dynamic = 'force-dynamic';

/** Health of the modules this user sees (for the sidebar dots and Settings). */
export const GET = sessionRoute(async ({ session }) => NextResponse.json(await moduleHealthSnapshot(session)));
