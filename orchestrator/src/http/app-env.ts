import type { Logger } from 'pino';
import type { Principal } from '@wrrk/keycloak/principal.ts';

/** Per-request values set by middleware, read by handlers through `c.var`. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
    tenantId: string;
  };
}
