import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { requirePrincipal } from '../auth/require-principal.ts';
import type { AppEnv } from '../http/app-env.ts';
import { limitBody, requireJsonBody } from '../http/body-guards.ts';
import { chatwootContextRoutes, chatwootConversationRoutes, chatwootSyncRoutes } from './chatwoot-routes.ts';
import { chatwootServices } from './chatwoot-services.ts';
import { chatwootWebhookRoute } from './webhook-route.ts';

/**
 * The Chatwoot routes: the signed webhook (no bearer token: the HMAC authenticates it, and it
 * reads raw bytes, so no JSON content-type rule), provisioning on demand, the conversation list
 * for the shell's inbox, and the dashboard app's context lookup.
 */
export function mountChatwoot(app: OpenAPIHono<AppEnv>, deps: AppDeps, tenantScoped: readonly MiddlewareHandler<AppEnv>[]) {
  const services = chatwootServices(deps);
  app.use('/api/webhooks/chatwoot', limitBody(deps.config.BODY_LIMIT_BYTES));
  app.route('/api/webhooks/chatwoot', chatwootWebhookRoute(deps, services));

  app.use('/api/sync/chatwoot', limitBody(deps.config.BODY_LIMIT_BYTES), requireJsonBody(), ...tenantScoped);
  app.route('/api/sync/chatwoot', chatwootSyncRoutes(deps, services));

  app.use('/api/chatwoot/conversations', ...tenantScoped);
  app.route('/api/chatwoot/conversations', chatwootConversationRoutes(deps));

  app.use('/api/chatwoot/context', requirePrincipal(deps.verifier), deps.rateLimits.byPrincipal);
  app.route('/api/chatwoot/context', chatwootContextRoutes(deps, services));
}
