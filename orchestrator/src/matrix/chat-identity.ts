import { tenantFromGroupPath, type Principal } from '@wrrk/keycloak/principal.ts';
import type { Tx } from '../db/database.ts';
import type { UserDirectory } from '../directory/user-directory.ts';
import { parseUserId, usernameFromUserId } from './matrix-ids.ts';
import './matrix-tables.ts';

/**
 * Who wrote a chat message, in Keycloak's terms. The Matrix sender is mapped to a Keycloak
 * user by the provisioning record (the account the orchestrator created, or found linked, for
 * that subject) or, for an account Synapse created at SSO sign-in and not yet synced, by its
 * localpart (= the encoded Keycloak username, as homeserver.yaml's `localpart_template`); such
 * an account must then carry that person's SSO link (`external_ids`), checked on the Admin
 * API, so a hand-made account that merely has a CEO's name maps to nobody. Roles and tenant
 * membership are read live from Keycloak, so a role revoked a minute ago is revoked here too.
 * Only accounts of our own homeserver can ever map to a person.
 */
export type ChatIdentity = { ok: true; principal: Principal } | { ok: false; reason: string };

/** Does this Matrix account carry the SSO link of this Keycloak subject? Null: cannot tell. */
export type LinkCheck = ((matrixUserId: string, keycloakId: string) => Promise<boolean>) | null;

export async function resolveChatPrincipal(
  tx: Tx,
  tenantId: string,
  sender: string,
  serverName: string,
  directory: UserDirectory | null | undefined,
  linkCheck: LinkCheck,
): Promise<ChatIdentity> {
  const parsed = parseUserId(sender);
  if (!parsed || parsed.serverName !== serverName) return { ok: false, reason: `only accounts on ${serverName} can decide escalations` };
  if (!directory) return { ok: false, reason: 'deciding from chat needs the Keycloak user directory, which is not configured' };

  const account = await tx
    .selectFrom('matrix_accounts')
    .select(['user_id', 'username'])
    .where('tenant_id', '=', tenantId)
    .where('matrix_user_id', '=', sender)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  const username = account?.username ?? usernameFromUserId(sender, serverName);
  if (!username) return { ok: false, reason: `${sender} does not map to a Keycloak user` };

  const tenant = tenantFromGroupPath(tenantId);
  const members = await directory.listTenantMembers(tenantId);
  const member = account ? members.find((m) => m.id === account.user_id) : members.find((m) => m.username.toLowerCase() === username.toLowerCase());
  if (!member || !member.enabled) {
    return { ok: false, reason: `${sender} is not a member of ${tenant?.name ?? tenantId}` };
  }
  if (!account) {
    if (!linkCheck) return { ok: false, reason: `${sender} has not been linked to Keycloak yet (an admin can run the Matrix sync)` };
    if (!(await linkCheck(sender, member.id))) return { ok: false, reason: `${sender} is not linked to ${member.username} in Keycloak` };
  }
  return {
    ok: true,
    principal: {
      id: member.id,
      username: member.username,
      name: member.name,
      email: member.email,
      roles: member.roles,
      tenants: [{ id: tenantId, kind: tenant?.kind ?? 'organization', name: tenant?.name ?? tenantId }],
      clientId: 'matrix',
    },
  };
}
