import { describe, expect, it } from 'vitest';
import type { Principal } from '@wrrk/keycloak/principal.ts';
import { applyRoomActivity, assertMayCreate, assertMayEnd, assertMayManage, assertMayStart, participantsFrom, type LifecycleState, type RoomActivity } from './consultation-rules.ts';

const t = (minute: number) => new Date(Date.UTC(2030, 0, 1, 9, minute));
const scheduled: LifecycleState = { status: 'scheduled', startedAt: null, endedAt: null };
const principal = (id: string, roles: Principal['roles']): Principal => ({ id, username: id, name: id, email: null, roles, tenants: [], clientId: null });

describe('life cycle from room activity', () => {
  it('starts at the earliest evidence and ends when the room is destroyed', () => {
    const active = applyRoomActivity(applyRoomActivity(scheduled, { kind: 'active', at: t(5) }), { kind: 'active', at: t(3) });
    expect(active).toEqual({ status: 'active', startedAt: t(3), endedAt: null });
    expect(applyRoomActivity(active, { kind: 'destroyed', at: t(30), createdAt: t(2) })).toEqual({ status: 'ended', startedAt: t(2), endedAt: t(30) });
  });

  it('reaches the same state whatever order the events come in', () => {
    const events: RoomActivity[] = [
      { kind: 'active', at: t(1) },
      { kind: 'active', at: t(4) },
      { kind: 'destroyed', at: t(20), createdAt: t(1) },
    ];
    const orders = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]];
    for (const order of orders) {
      const state = order.reduce((s, i) => applyRoomActivity(s, events[i]!), scheduled);
      expect(state, order.join(',')).toEqual({ status: 'ended', startedAt: t(1), endedAt: t(20) });
    }
  });

  it('never reopens an ended consultation; activity after its end changes nothing', () => {
    const ended: LifecycleState = { status: 'ended', startedAt: t(1), endedAt: t(20) };
    expect(applyRoomActivity(ended, { kind: 'active', at: t(25) })).toEqual(ended);
    expect(applyRoomActivity(ended, { kind: 'destroyed', at: t(50), createdAt: t(40) })).toEqual(ended);
  });
});

describe('participants', () => {
  it('merges sessions per person and keeps guests without an id apart', () => {
    const list = participantsFrom(
      [
        { occupantJid: 'r@m/a', userId: 'u1', name: 'Ann', joinedAt: t(1), leftAt: t(3) },
        { occupantJid: 'r@m/b', userId: 'u1', name: 'Ann B.', joinedAt: t(4), leftAt: t(9) },
        { occupantJid: 'r@m/c', userId: null, name: null, joinedAt: t(2), leftAt: null },
      ],
      null,
    );
    expect(list).toEqual([
      { userId: 'u1', name: 'Ann B.', joinedAt: t(1).toISOString(), leftAt: t(9).toISOString() },
      { userId: 'occupant:r@m/c', name: 'guest', joinedAt: t(2).toISOString(), leftAt: null },
    ]);
    expect(participantsFrom([{ occupantJid: 'x', userId: 'u', name: 'U', joinedAt: t(1), leftAt: null }], t(7))[0]!.leftAt).toBe(t(7).toISOString());
  });
});

describe('who may do what', () => {
  it('lets staff open, the host or a manager start and end', () => {
    expect(() => assertMayCreate(principal('x', []))).toThrow(/staff role/);
    expect(() => assertMayCreate(principal('x', ['agent']))).not.toThrow();
    expect(() => assertMayManage(principal('agent2', ['agent']), { hostId: 'host' })).toThrow(/only the host/);
    expect(() => assertMayManage(principal('host', ['agent']), { hostId: 'host' })).not.toThrow();
    expect(() => assertMayManage(principal('m', ['manager']), { hostId: 'host' })).not.toThrow();
    expect(() => assertMayStart('active')).toThrow(/already active/);
    expect(() => assertMayEnd('ended')).toThrow(/already ended/);
    expect(() => assertMayEnd('scheduled')).not.toThrow();
  });
});
