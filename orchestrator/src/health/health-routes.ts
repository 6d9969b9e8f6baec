import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.ts';

const Check = z.object({ status: z.enum(['ok', 'degraded', 'down', 'disabled']), latencyMs: z.number().nullable(), detail: z.string().optional() });
const Health = z
  .object({ status: z.enum(['ok', 'degraded', 'down']), version: z.string(), uptimeSeconds: z.number(), checks: z.object({ database: Check, redis: Check }) })
  .openapi('Health');

const route = createRoute({
  method: 'get', path: '/api/health', tags: ['Operations'], summary: 'Liveness and dependencies',
  description: '200 while the service can serve (ok or degraded), 503 when the database is down.',
  responses: { 200: { description: 'Serving', content: { 'application/json': { schema: Health } } }, 503: { description: 'Down', content: { 'application/json': { schema: Health } } } },
});

const SLOW_MS = 250;
const TIMEOUT_MS = 2000;

async function timed(check: () => Promise<unknown>): Promise<z.infer<typeof Check>> {
  const started = performance.now();
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref())]);
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    return { status: latencyMs > SLOW_MS ? 'degraded' : 'ok', latencyMs };
  } catch (error) {
    return { status: 'down', latencyMs: null, detail: (error as Error).message };
  }
}

export function healthRoutes(deps: AppDeps) {
  const app = new OpenAPIHono();
  app.openapi(route, async (c) => {
    const [database, redis] = await Promise.all([
      timed(() => deps.store.ping()),
      deps.redis ? timed(() => deps.redis!.ping()) : Promise.resolve({ status: 'disabled' as const, latencyMs: null, detail: 'REDIS_URL unset: in-process fan-out' }),
    ]);
    // Without Redis, live events and rate limits fall back to per-instance: still serving.
    const status = database.status === 'down' ? 'down' : database.status === 'degraded' || redis.status === 'down' || redis.status === 'degraded' ? 'degraded' : 'ok';
    const body = { status, version: process.env['npm_package_version'] ?? '0.1.0', uptimeSeconds: Math.round(process.uptime()), checks: { database, redis } } as const;
    return c.json(body, status === 'down' ? 503 : 200);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}
