import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '../directory/user-directory.ts';
import { planAccount, planMembership } from './account-sync-plan.ts';
import type { AdminUser } from './homeserver-client.ts';

const person = (id: string, username: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => ({ id, username, email: `${username}@acme.test`, firstName: null, lastName: null, name: username.toUpperCase(), enabled: true, roles: ['agent'], ...extra });
const account = (user: DirectoryUser, extra: Partial<AdminUser> = {}): AdminUser => ({
  name: `@${user.username}:hs`,
  displayname: user.name,
  admin: false,
  deactivated: false,
  threepids: [{ medium: 'email', address: user.email! }],
  external_ids: [{ auth_provider: 'oidc-keycloak', external_id: user.id }],
  ...extra,
});

describe('who gets an account and who leaves', () => {
  it('wants every enabled member, and lets go of provisioned people who left or were disabled', () => {
    const ann = person('1', 'ann');
    const bob = person('2', 'bob', { enabled: false });
    const plan = planMembership(
      [ann, bob],
      [
        { userId: '2', username: 'bob', matrixUserId: '@bob:hs', status: 'active' },
        { userId: '3', username: 'cid', matrixUserId: '@cid:hs', status: 'active' },
        { userId: '4', username: 'dee', matrixUserId: '@dee:hs', status: 'removed' },
      ],
      new Map(),
      'hs',
    );
    expect(plan.wanted.map((w) => w.matrixUserId)).toEqual(['@ann:hs']);
    expect(plan.leaving).toEqual([
      { userId: '2', username: 'bob', matrixUserId: '@bob:hs', status: 'active', disabled: true },
      { userId: '3', username: 'cid', matrixUserId: '@cid:hs', status: 'active', disabled: false },
    ]);
  });

  it('keeps the Matrix id a person already has', () => {
    const plan = planMembership([person('1', 'ann.renamed')], [], new Map([['1', '@ann:hs']]), 'hs');
    expect(plan.wanted[0]!.matrixUserId).toBe('@ann:hs');
  });
});

describe('what to change on an account', () => {
  const ann = person('1', 'ann');
  it('creates a missing account linked to the Keycloak subject', () => {
    expect(planAccount(ann, null, 'oidc-keycloak')).toEqual({
      kind: 'create',
      update: { displayname: 'ANN', external_ids: [{ auth_provider: 'oidc-keycloak', external_id: '1' }], threepids: [{ medium: 'email', address: 'ann@acme.test' }] },
    });
  });

  it('leaves an account in line alone', () => {
    expect(planAccount(ann, account(ann), 'oidc-keycloak')).toEqual({ kind: 'unchanged' });
  });

  it('updates only what differs, keeping other providers\' links and phone numbers', () => {
    const current = account(ann, {
      displayname: 'old name',
      deactivated: true,
      external_ids: [{ auth_provider: 'oidc-github', external_id: 'gh' }, { auth_provider: 'oidc-keycloak', external_id: '1' }],
      threepids: [{ medium: 'msisdn', address: '4412345' }, { medium: 'email', address: 'old@acme.test' }],
    });
    expect(planAccount(ann, current, 'oidc-keycloak')).toEqual({
      kind: 'update',
      changes: ['reactivated', 'displayname', 'email'],
      update: { deactivated: false, displayname: 'ANN', threepids: [{ medium: 'msisdn', address: '4412345' }, { medium: 'email', address: 'ann@acme.test' }] },
    });
  });

  it('never takes over an account linked to someone else, made outside wrrk, or of a server admin', () => {
    expect(planAccount(ann, account(ann, { external_ids: [{ auth_provider: 'oidc-keycloak', external_id: 'other' }] }), 'oidc-keycloak')).toEqual({ kind: 'conflict', reason: 'linked to another Keycloak user', linkedTo: 'other' });
    expect(planAccount(ann, account(ann, { external_ids: [] }), 'oidc-keycloak')).toMatchObject({ kind: 'conflict', reason: 'created outside wrrk (no Keycloak link)' });
    expect(planAccount(ann, account(ann, { external_ids: [{ auth_provider: 'oidc-github', external_id: '1' }] }), 'oidc-keycloak')).toMatchObject({ kind: 'conflict' });
    expect(planAccount(ann, account(ann, { admin: true }), 'oidc-keycloak')).toMatchObject({ kind: 'conflict', reason: 'a server admin account' });
  });
});
