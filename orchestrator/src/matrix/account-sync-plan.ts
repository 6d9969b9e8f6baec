import type { DirectoryUser } from '../directory/user-directory.ts';
import type { AdminUser, AdminUserUpdate } from './homeserver-client.ts';
import { userIdFor } from './matrix-ids.ts';
import type { MatrixAccountStatus } from './matrix-tables.ts';

/**
 * The pure half of provisioning: given Keycloak's members of a tenant and what was provisioned
 * before, who needs a Matrix account, who leaves the tenant's room; and, given a homeserver
 * account, what (if anything) to change on it. No I/O here, so every rule has a plain test.
 */

export interface ProvisionedAccount {
  userId: string;
  username: string;
  matrixUserId: string;
  status: MatrixAccountStatus;
}

export interface WantedAccount {
  user: DirectoryUser;
  matrixUserId: string;
}

export interface MembershipPlan {
  wanted: WantedAccount[];
  /** Provisioned for this tenant before, gone from it now (or disabled in Keycloak). */
  leaving: Array<ProvisionedAccount & { disabled: boolean }>;
}

/**
 * `knownIds` maps Keycloak ids to Matrix ids already given out (in any tenant): a Matrix id
 * is for life, so a renamed Keycloak user keeps theirs.
 */
export function planMembership(
  members: readonly DirectoryUser[],
  provisioned: readonly ProvisionedAccount[],
  knownIds: ReadonlyMap<string, string>,
  serverName: string,
): MembershipPlan {
  const enabled = members.filter((m) => m.enabled);
  const disabledIds = new Set(members.filter((m) => !m.enabled).map((m) => m.id));
  const wantedIds = new Set(enabled.map((m) => m.id));
  return {
    wanted: enabled.map((user) => ({ user, matrixUserId: knownIds.get(user.id) ?? userIdFor(user.username, serverName) })),
    leaving: provisioned
      .filter((account) => account.status === 'active' && !wantedIds.has(account.userId))
      .map((account) => ({ ...account, disabled: disabledIds.has(account.userId) })),
  };
}

export type AccountAction =
  | { kind: 'create'; update: AdminUserUpdate }
  | { kind: 'update'; update: AdminUserUpdate; changes: string[] }
  | { kind: 'unchanged' }
  /** Not ours to touch: linked to another Keycloak subject, or made outside wrrk. */
  | { kind: 'conflict'; reason: string; linkedTo: string | null };

/**
 * Creates, or brings in line, one homeserver account: display name, the e-mail address and the
 * SSO link (`external_ids` with the Keycloak subject, so Keycloak sign-in lands on this account).
 * Other identity providers' links and non-e-mail 3PIDs on the account are kept.
 *
 * An existing account is only managed when it already carries this person's link (made by us,
 * or by Synapse at their SSO sign-in). Linking an account made another way (a server admin
 * created with register_new_matrix_user, a hand-made account) would hand it to whoever holds
 * that username in Keycloak, so such accounts, and server admins, are reported and left alone.
 */
export function planAccount(user: DirectoryUser, current: AdminUser | null, ssoProvider: string): AccountAction {
  const link = { auth_provider: ssoProvider, external_id: user.id };
  const email = user.email ? [{ medium: 'email', address: user.email.toLowerCase() }] : [];
  if (!current) return { kind: 'create', update: { displayname: user.name, external_ids: [link], threepids: email } };

  const ours = current.external_ids.filter((x) => x.auth_provider === ssoProvider);
  const foreign = ours.find((x) => x.external_id !== user.id);
  if (foreign) return { kind: 'conflict', reason: 'linked to another Keycloak user', linkedTo: foreign.external_id };
  if (ours.length === 0) return { kind: 'conflict', reason: 'created outside wrrk (no Keycloak link)', linkedTo: null };
  if (current.admin) return { kind: 'conflict', reason: 'a server admin account', linkedTo: user.id };

  const update: AdminUserUpdate = {};
  const changes: string[] = [];
  if (current.deactivated) {
    update.deactivated = false;
    changes.push('reactivated');
  }
  if ((current.displayname ?? '') !== user.name) {
    update.displayname = user.name;
    changes.push('displayname');
  }
  const currentEmails = current.threepids.filter((t) => t.medium === 'email').map((t) => t.address.toLowerCase()).sort();
  const wantedEmails = email.map((t) => t.address);
  if (currentEmails.join('\n') !== wantedEmails.join('\n')) {
    update.threepids = [...current.threepids.filter((t) => t.medium !== 'email').map((t) => ({ medium: t.medium, address: t.address })), ...email];
    changes.push('email');
  }
  return changes.length === 0 ? { kind: 'unchanged' } : { kind: 'update', update, changes };
}
