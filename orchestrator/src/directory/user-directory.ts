import type { RealmRole } from '@wrrk/keycloak/principal.ts';

/**
 * Keycloak is the source of truth for people; integrations read it through this interface to
 * provision accounts downward (Chatwoot agents, Matrix users). The implementation uses the
 * official @keycloak/keycloak-admin-client with the orchestrator's service account, which works
 * unchanged against real Keycloak and the development provider.
 */
export interface DirectoryUser {
  /** Keycloak subject (user id). */
  id: string;
  username: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Display name: "First Last", else the username. */
  name: string;
  enabled: boolean;
  roles: RealmRole[];
}

export interface UserDirectory {
  /** Direct members of the tenant's group (`/organizations/acme-corp`), with their realm roles. */
  listTenantMembers(tenantId: string): Promise<DirectoryUser[]>;
  /** Tenant ids (group full paths under /organizations and /teams) that exist in the realm. */
  listTenants(): Promise<Array<{ id: string; name: string }>>;
  findUserByUsername(username: string): Promise<DirectoryUser | null>;
}
