import type { RealmRole } from '@wrrk/keycloak/principal.ts';

interface Actor {
  id: string;
  roles: readonly RealmRole[];
}

/**
 * Who sees which decision controls (the orchestrator enforces the same rules; these only keep
 * the UI from offering what would be refused). Client-safe: no Node imports.
 */

/** Who may approve or reject this approval: ceo or admin, never its requester, only while pending. */
export function canDecide(principal: Actor, approval: { status: string; requestedBy: string }): boolean {
  return approval.status === 'pending' && isDecider(principal) && principal.id !== approval.requestedBy;
}

/** The requester may withdraw their own pending request. */
export function canCancel(principal: Pick<Actor, 'id'>, approval: { status: string; requestedBy: string }): boolean {
  return approval.status === 'pending' && principal.id === approval.requestedBy;
}

const DECIDERS: readonly RealmRole[] = ['ceo', 'admin'];

export function isDecider(principal: Pick<Actor, 'roles'>): boolean {
  return principal.roles.some((role) => DECIDERS.includes(role));
}
