/**
 * Keycloak 26 admin REST API JSON shapes (UserRepresentation, GroupRepresentation,
 * RoleRepresentation as `ModelToRepresentation` builds them), from the realm model. Keycloak
 * omits null fields, so absent values are left out rather than sent as null.
 */
import type { GroupModel, RealmModel, RoleModel, UserModel } from '../realm/realm-model.ts';

/** What the caller may do, for the `access` objects Keycloak adds to full representations. */
export interface AdminRights {
  viewUsers: boolean;
  manageUsers: boolean;
  impersonate: boolean;
}

export function userRepresentation(user: UserModel, options: { brief: boolean; rights: AdminRights }): Record<string, unknown> {
  const brief = omitUndefined({
    id: user.id,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    emailVerified: user.emailVerified,
    createdTimestamp: user.createdTimestamp,
    enabled: user.enabled,
  });
  if (options.brief) return brief;
  return {
    ...brief,
    ...(Object.keys(user.attributes).length > 0 ? { attributes: user.attributes } : {}),
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: user.requiredActions,
    notBefore: 0,
    access: {
      manageGroupMembership: options.rights.manageUsers,
      view: options.rights.viewUsers,
      mapRoles: options.rights.manageUsers,
      impersonate: options.rights.impersonate,
      manage: options.rights.manageUsers,
    },
  };
}

export function groupRepresentation(
  realm: RealmModel,
  group: GroupModel,
  options: { full: boolean; rights: AdminRights; subGroups?: Record<string, unknown>[] },
): Record<string, unknown> {
  return omitUndefined({
    id: group.id,
    name: group.name,
    description: group.description,
    path: group.path,
    parentId: group.parentId,
    subGroupCount: group.childIds.length,
    subGroups: options.subGroups ?? [],
    ...(options.full
      ? {
          attributes: group.attributes,
          realmRoles: group.realmRoles,
          clientRoles: group.clientRoles,
          access: {
            view: options.rights.viewUsers,
            viewMembers: options.rights.viewUsers,
            manageMembers: options.rights.manageUsers,
            manage: options.rights.manageUsers,
            manageMembership: options.rights.manageUsers,
          },
        }
      : {}),
  });
}

/** A group with its whole subtree, as `group-by-path` returns it. */
export function groupHierarchy(realm: RealmModel, group: GroupModel, rights: AdminRights): Record<string, unknown> {
  return groupRepresentation(realm, group, {
    full: true,
    rights,
    subGroups: realm.children(group).map((child) => groupHierarchy(realm, child, rights)),
  });
}

export function roleRepresentation(realm: RealmModel, role: RoleModel, brief = false): Record<string, unknown> {
  const composite = role.composites.realm.length > 0 || Object.keys(role.composites.client).length > 0;
  const containerId = role.clientRole ? realm.clientUuid(role.container) : realm.id;
  return omitUndefined({
    id: role.id,
    name: role.name,
    description: role.description,
    composite,
    clientRole: role.clientRole,
    containerId,
    ...(brief ? {} : { attributes: {} }),
  });
}

function omitUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
