import { createApplicationClient, type ChatwootApplicationClient } from '@wrrk/chatwoot/client.ts';
import type { AppDeps } from '../app-deps.ts';
import { createDirectoryFromConfig } from '../directory/keycloak-directory.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import { createAccountDirectory, type AccountDirectory } from './account-directory.ts';
import { createMemoryReplayGuard, createRedisReplayGuard, type ReplayGuard } from './replay-guard.ts';

/** What the Chatwoot routes and jobs share, built once per app from configuration. */
export interface ChatwootServices {
  accounts: AccountDirectory;
  replayGuard: ReplayGuard;
  /** The service user's Application API client; null until CHATWOOT_URL/CHATWOOT_API_TOKEN are set. */
  application: ChatwootApplicationClient | null;
  /** Keycloak, for provisioning; null until ORCHESTRATOR_CLIENT_SECRET is set. */
  directory: UserDirectory | null;
}

const cache = new WeakMap<AppDeps, ChatwootServices>();

export function chatwootServices(deps: AppDeps, overrides: Partial<ChatwootServices> = {}): ChatwootServices {
  const existing = cache.get(deps);
  if (existing) return existing;
  const { config } = deps;
  const services: ChatwootServices = {
    accounts: overrides.accounts ?? createAccountDirectory(deps.store),
    replayGuard: overrides.replayGuard ?? (deps.redis ? createRedisReplayGuard(deps.redis) : createMemoryReplayGuard()),
    application: overrides.application ?? (config.CHATWOOT_URL && config.CHATWOOT_API_TOKEN ? createApplicationClient({ baseUrl: config.CHATWOOT_URL, token: config.CHATWOOT_API_TOKEN }) : null),
    directory: overrides.directory === undefined ? createDirectoryFromConfig(config) : overrides.directory,
  };
  cache.set(deps, services);
  return services;
}
