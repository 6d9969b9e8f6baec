import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataStore } from '../db/database.ts';

/** Prometheus metrics: one registry per app instance so tests can run several side by side. */
export interface Metrics {
  registry: Registry;
  middleware: MiddlewareHandler;
}

export function createMetrics(store: DataStore, options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'wrrk_http_requests_total',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'wrrk_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'wrrk_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = store.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  const middleware: MiddlewareHandler = async (c, next) => {
    const stop = duration.startTimer();
    try {
      await next();
    } finally {
      // The route pattern, not the raw path, keeps label cardinality bounded.
      const labels = { method: c.req.method, route: c.res.status === 404 && routePath(c, -1) === '/*' ? 'unmatched' : routePath(c, -1), status: String(c.res.status) };
      requests.inc(labels);
      stop(labels);
    }
  };
  return { registry, middleware };
}
