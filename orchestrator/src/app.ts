import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { AppDeps } from './app-deps.ts';
import { approvalRoutes } from './approvals/approval-routes.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { requirePrincipal, requireTenant } from './auth/require-principal.ts';
import { consultationRoutes } from './consultations/consultation-routes.ts';
import { jitsiEventSyncRoutes } from './jitsi/event-sync-routes.ts';
import { appserviceRoutes } from './matrix/appservice-routes.ts';
import { matrixSyncRoutes } from './matrix/sync-routes.ts';
import { eventsRoutes } from './events/events-routes.ts';
import { healthRoutes } from './health/health-routes.ts';
import { outboxRoutes } from './outbox/outbox-routes.ts';
import { tenantSettingsRoutes } from './tenants/tenant-settings-routes.ts';
import { mountChatwoot } from './chatwoot/mount-chatwoot.ts';
import { AppError } from './http/app-error.ts';
import type { AppEnv } from './http/app-env.ts';
import { limitBody, requireJsonBody } from './http/body-guards.ts';
import { errorResponse, toAppError } from './http/error-response.ts';
import { requestContext } from './http/request-context.ts';
import { validationHook } from './http/validation-hook.ts';

/** Tenant-scoped API groups: authenticated, tenant-checked, rate-limited, JSON bodies. */
function tenantScoped(deps: AppDeps) {
  return [requirePrincipal(deps.verifier), deps.rateLimits.byPrincipal, requireTenant()] as const;
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestContext(deps.logger));
  app.use('*', deps.metrics.middleware);
  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500) c.var.logger?.error({ err: error }, appError.message);
    return errorResponse(c, appError);
  });
  app.notFound((c) => errorResponse(c, new AppError('not_found', `no route for ${c.req.method} ${c.req.path}`)));

  app.route('/', healthRoutes(deps));

  app.use('/api/*', deps.rateLimits.byAddress);
  for (const base of ['/api/approvals', '/api/audit', '/api/events', '/api/outbox', '/api/settings', '/api/consultations', '/api/sync/matrix']) {
    app.use(`${base}/*`, limitBody(deps.config.BODY_LIMIT_BYTES), requireJsonBody(), ...tenantScoped(deps));
  }
  app.route('/api/approvals', approvalRoutes(deps));
  app.route('/api/audit', auditRoutes(deps));
  app.route('/api/events', eventsRoutes(deps.events, deps.config.SSE_HEARTBEAT_SECONDS));
  app.route('/api/outbox', outboxRoutes(deps));
  app.route('/api/settings', tenantSettingsRoutes(deps));
  mountChatwoot(app, deps, tenantScoped(deps));
  app.route('/api/consultations', consultationRoutes(deps));
  app.route('/api/sync/matrix', matrixSyncRoutes(deps));
  // Called by Synapse and prosody: their own authentication, no bearer JWT, no tenant header.
  app.route('/', appserviceRoutes(deps));
  app.route('/', jitsiEventSyncRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'wrrk orchestrator',
      version: '0.1.0',
      description: 'Approvals, escalation, the audit trail, webhooks and consultations. Tenant-scoped calls take `tenantId` (query) or `X-Tenant-Id`, and a Keycloak access token.',
    },
    security: [{ bearer: [] }],
  });
  app.get('/api/docs', Scalar({ url: '/api/openapi.json', pageTitle: 'wrrk orchestrator API' }));
  return app;
}
