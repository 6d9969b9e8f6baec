import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small homeserver for tests, speaking the wire contract the orchestrator uses, as the Matrix
 * specification (client-server and application-service APIs) and Synapse's Admin API docs
 * define it. Not a Matrix implementation: one process, no federation, no sync, no crypto, but
 * every endpoint checks what the real one checks on the paths we use (tokens, membership,
 * power levels, alias and transaction-id rules, admin-only Admin API, external-id uniqueness),
 * and it pushes application-service transactions to the registration's URL like Synapse:
 * linearised, retried with the same id after a non-2xx answer.
 *
 * Simulated people act through methods (`join`, `send`, `reply`, `react`) rather than HTTP.
 */

export interface Namespace {
  exclusive: boolean;
  regex: string;
}

export interface Registration {
  id: string;
  url: string | null;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  namespaces: { users?: Namespace[]; aliases?: Namespace[]; rooms?: Namespace[] };
}

export interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  unsigned?: Record<string, unknown>;
}

export interface DoubleUser {
  name: string;
  displayname: string | null;
  admin: boolean;
  deactivated: boolean;
  threepids: Array<{ medium: string; address: string; added_at: number; validated_at: number }>;
  external_ids: Array<{ auth_provider: string; external_id: string }>;
  creation_ts: number;
  appservice_id: string | null;
}

export interface DoubleRoom {
  roomId: string;
  creator: string;
  /** Current state, keyed `type\u0000stateKey`. */
  state: Map<string, ClientEvent>;
  timeline: ClientEvent[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  actingAs: string | null;
  body: unknown;
  status: number;
}

export interface PushAttempt {
  txnId: string;
  url: string;
  status: number | null;
  eventIds: string[];
}

export interface HomeserverDoubleOptions {
  serverName?: string;
  registration: Registration;
  /** Server-admin access tokens (for the Admin API), each acting as `@admin:<server>`. */
  adminTokens?: string[];
  /** `v1`: current Synapse (path /_matrix/app/v1, Authorization header). `legacy`: Synapse 1.67 (path /transactions, ?access_token). */
  pushMode?: 'v1' | 'legacy';
  /** Delay before re-pushing a failed transaction (Synapse: seconds, doubling). */
  retryDelayMs?: number;
  /** homeserver.yaml `password_config.localdb_enabled` (wrrk's stack: true). */
  localPasswords?: boolean;
}

class MatrixHttpError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, errcode: string, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.errcode = errcode;
    this.extra = extra;
  }
}

const fail = (status: number, errcode: string, message: string, extra?: Record<string, unknown>) => new MatrixHttpError(status, errcode, message, extra);
const opaque = (bytes = 18) => randomBytes(bytes).toString('base64url');
const stateKeyOf = (type: string, stateKey: string) => `${type}\u0000${stateKey}`;

// Synapse compiles each regex and calls `.match()`: anchored at the start only.
function matches(namespaces: Namespace[] | undefined, value: string): Namespace | undefined {
  return namespaces?.find((ns) => new RegExp(`^(?:${ns.regex})`).test(value));
}

export function startHomeserverDouble(options: HomeserverDoubleOptions) {
  const serverName = options.serverName ?? 'wrrk.test';
  const registration = options.registration;
  const botUserId = `@${registration.sender_localpart}:${serverName}`;
  const adminUserId = `@admin:${serverName}`;
  const adminTokens = new Set(options.adminTokens ?? []);
  const pushMode = options.pushMode ?? 'v1';
  const retryDelayMs = options.retryDelayMs ?? 20;
  const localPasswords = options.localPasswords ?? true;

  const users = new Map<string, DoubleUser>();
  const rooms = new Map<string, DoubleRoom>();
  const aliases = new Map<string, string>();
  const sentTxns = new Map<string, string>();
  const withPassword = new Set<string>();
  const requests: RecordedRequest[] = [];
  const pushes: PushAttempt[] = [];
  const pending: ClientEvent[] = [];
  let nextTxn = 1;
  let pushing: Promise<void> = Promise.resolve();
  let lastTransaction: { txnId: string; events: ClientEvent[] } | null = null;

  const now = () => Date.now();
  function addUser(userId: string, fields: Partial<DoubleUser> = {}): DoubleUser {
    const user: DoubleUser = { name: userId, displayname: null, admin: false, deactivated: false, threepids: [], external_ids: [], creation_ts: Math.floor(now() / 1000), appservice_id: null, ...fields };
    users.set(userId, user);
    return user;
  }
  addUser(botUserId, { appservice_id: registration.id, displayname: registration.sender_localpart });
  addUser(adminUserId, { admin: true });

  // ---- application-service pushes ----------------------------------------------------------

  function roomInterestsAs(roomId: string): boolean {
    if (matches(registration.namespaces.rooms, roomId)) return true;
    for (const [alias, target] of aliases) if (target === roomId && matches(registration.namespaces.aliases, alias)) return true;
    return false;
  }

  function interested(event: ClientEvent): boolean {
    const isOurs = (userId: string) => userId === botUserId || Boolean(matches(registration.namespaces.users, userId));
    return isOurs(event.sender) || (event.state_key !== undefined && isOurs(event.state_key)) || roomInterestsAs(event.room_id);
  }

  async function pushOnce(txnId: string, events: ClientEvent[]): Promise<boolean> {
    const base = registration.url!.replace(/\/+$/, '');
    const url = pushMode === 'v1' ? `${base}/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}` : `${base}/transactions/${encodeURIComponent(txnId)}?access_token=${encodeURIComponent(registration.hs_token)}`;
    const attempt: PushAttempt = { txnId, url, status: null, eventIds: events.map((e) => e.event_id) };
    pushes.push(attempt);
    try {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(pushMode === 'v1' ? { authorization: `Bearer ${registration.hs_token}` } : {}) },
        body: JSON.stringify({ events }),
      });
      attempt.status = response.status;
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  async function deliver(txnId: string, events: ClientEvent[], maxAttempts = 8): Promise<void> {
    lastTransaction = { txnId, events };
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (await pushOnce(txnId, events)) return;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
    }
  }

  function schedulePush() {
    if (!registration.url) return;
    pushing = pushing.then(async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, 100);
        await deliver(String(nextTxn++), batch);
      }
    });
  }

  function emit(room: DoubleRoom, sender: string, type: string, content: Record<string, unknown>, stateKey?: string): ClientEvent {
    const event: ClientEvent = { event_id: `$${opaque(32)}`, type, sender, room_id: room.roomId, origin_server_ts: now(), content, ...(stateKey === undefined ? {} : { state_key: stateKey }) };
    room.timeline.push(event);
    if (stateKey !== undefined) room.state.set(stateKeyOf(type, stateKey), event);
    if (interested(event)) {
      pending.push(event);
      schedulePush();
    }
    return event;
  }

  // ---- room rules --------------------------------------------------------------------------

  function roomOf(roomId: string): DoubleRoom {
    const room = rooms.get(roomId);
    if (!room) throw fail(404, 'M_NOT_FOUND', 'Unknown room');
    return room;
  }
  const membership = (room: DoubleRoom, userId: string) => (room.state.get(stateKeyOf('m.room.member', userId))?.content['membership'] as string | undefined) ?? 'leave';
  function powerLevels(room: DoubleRoom) {
    return (room.state.get(stateKeyOf('m.room.power_levels', ''))?.content ?? {}) as {
      users?: Record<string, number>; users_default?: number; events?: Record<string, number>; events_default?: number; state_default?: number; invite?: number; kick?: number; ban?: number;
    };
  }
  const powerOf = (room: DoubleRoom, userId: string) => powerLevels(room).users?.[userId] ?? powerLevels(room).users_default ?? 0;
  function requireJoined(room: DoubleRoom, userId: string) {
    if (membership(room, userId) !== 'join') throw fail(403, 'M_FORBIDDEN', `User ${userId} not in room ${room.roomId}`);
  }
  function requirePower(room: DoubleRoom, userId: string, needed: number, what: string) {
    if (powerOf(room, userId) < needed) throw fail(403, 'M_FORBIDDEN', `You don't have permission to ${what}`);
  }
  const neededFor = (room: DoubleRoom, type: string, isState: boolean) => {
    const pl = powerLevels(room);
    return pl.events?.[type] ?? (isState ? (pl.state_default ?? 50) : (pl.events_default ?? 0));
  };
  function setMembership(room: DoubleRoom, sender: string, target: string, value: string, extra: Record<string, unknown> = {}) {
    const displayname = users.get(target)?.displayname;
    return emit(room, sender, 'm.room.member', { membership: value, ...(displayname ? { displayname } : {}), ...extra }, target);
  }

  function createRoom(creator: string, body: Record<string, unknown>): string {
    const aliasName = body['room_alias_name'];
    let alias: string | null = null;
    if (aliasName !== undefined) {
      if (typeof aliasName !== 'string' || !aliasName || aliasName.includes(':')) throw fail(400, 'M_INVALID_PARAM', 'Invalid room_alias_name');
      alias = `#${aliasName}:${serverName}`;
      if (aliases.has(alias)) throw fail(400, 'M_ROOM_IN_USE', 'Room alias already taken');
      const exclusive = matches(registration.namespaces.aliases?.filter((ns) => ns.exclusive), alias);
      const requesterIsAs = users.get(creator)?.appservice_id === registration.id || Boolean(matches(registration.namespaces.users, creator));
      if (exclusive && !requesterIsAs) throw fail(400, 'M_EXCLUSIVE', 'Room alias reserved by an application service');
    }
    const preset = (body['preset'] as string | undefined) ?? (body['visibility'] === 'public' ? 'public_chat' : 'private_chat');
    if (!['private_chat', 'public_chat', 'trusted_private_chat'].includes(preset)) throw fail(400, 'M_INVALID_PARAM', 'Invalid preset');
    const invite = body['invite'] ?? [];
    if (!Array.isArray(invite) || invite.some((u) => typeof u !== 'string' || !/^@[^:]+:.+$/.test(u))) throw fail(400, 'M_INVALID_PARAM', 'invite must be a list of user ids');

    const room: DoubleRoom = { roomId: `!${opaque(12)}:${serverName}`, creator, state: new Map(), timeline: [] };
    rooms.set(room.roomId, room);
    emit(room, creator, 'm.room.create', { room_version: '10', ...(body['creation_content'] as Record<string, unknown> | undefined) }, '');
    setMembership(room, creator, creator, 'join');
    const defaults = { users: { [creator]: 100 }, users_default: 0, events: {}, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0 };
    const override = (body['power_level_content_override'] ?? {}) as Record<string, unknown>;
    emit(room, creator, 'm.room.power_levels', { ...defaults, ...override }, '');
    emit(room, creator, 'm.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' }, '');
    emit(room, creator, 'm.room.history_visibility', { history_visibility: 'shared' }, '');
    if (alias) {
      aliases.set(alias, room.roomId);
      emit(room, creator, 'm.room.canonical_alias', { alias }, '');
    }
    if (typeof body['name'] === 'string') emit(room, creator, 'm.room.name', { name: body['name'] }, '');
    if (typeof body['topic'] === 'string') emit(room, creator, 'm.room.topic', { topic: body['topic'] }, '');
    for (const state of (body['initial_state'] as Array<{ type: string; state_key?: string; content: Record<string, unknown> }> | undefined) ?? []) {
      emit(room, creator, state.type, state.content, state.state_key ?? '');
    }
    for (const userId of invite as string[]) setMembership(room, creator, userId, 'invite');
    return room.roomId;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  function authenticate(req: IncomingMessage, url: URL): { userId: string; token: string; isAs: boolean } {
    const header = req.headers.authorization;
    const token = header?.match(/^Bearer\s+(\S+)$/)?.[1] ?? url.searchParams.get('access_token');
    if (!token) throw fail(401, 'M_MISSING_TOKEN', 'Missing access token');
    if (token === registration.as_token) {
      const asUser = url.searchParams.get('user_id') ?? botUserId;
      if (asUser !== botUserId && !matches(registration.namespaces.users, asUser)) throw fail(403, 'M_EXCLUSIVE', 'Application service cannot masquerade as this user');
      return { userId: asUser, token, isAs: true };
    }
    if (adminTokens.has(token)) return { userId: adminUserId, token, isAs: false };
    throw fail(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.');
  }

  function requireLocal(userId: string) {
    const match = /^@([^:]+):(.+)$/.exec(userId);
    if (!match) throw fail(400, 'M_INVALID_PARAM', 'Invalid user id');
    if (match[2] !== serverName) throw fail(400, 'M_INVALID_PARAM', 'Can only look up local users');
  }

  function adminUserView(user: DoubleUser) {
    return { ...user, is_guest: false, erased: false, shadow_banned: false, locked: false, user_type: null, avatar_url: null };
  }

  function handleAdmin(method: string, parts: string[], actor: { userId: string }, body: Record<string, unknown>): [number, unknown] {
    if (!users.get(actor.userId)?.admin) throw fail(403, 'M_FORBIDDEN', 'You are not a server admin');
    if (parts[0] === 'v2' && parts[1] === 'users' && parts.length === 3) {
      const userId = parts[2]!;
      requireLocal(userId);
      if (method === 'GET') {
        const user = users.get(userId);
        if (!user) throw fail(404, 'M_NOT_FOUND', 'User not found');
        return [200, adminUserView(user)];
      }
      if (method === 'PUT') {
        const externalIds = body['external_ids'];
        if (externalIds !== undefined) {
          if (!Array.isArray(externalIds) || externalIds.some((x) => !x || typeof x.auth_provider !== 'string' || typeof x.external_id !== 'string')) {
            throw fail(400, 'M_INVALID_PARAM', 'external_ids must be a list of {auth_provider, external_id}');
          }
          for (const { auth_provider, external_id } of externalIds as DoubleUser['external_ids']) {
            for (const other of users.values()) {
              if (other.name !== userId && other.external_ids.some((x) => x.auth_provider === auth_provider && x.external_id === external_id)) {
                throw fail(409, 'M_UNKNOWN', 'External id is already in use.');
              }
            }
          }
        }
        const threepids = body['threepids'];
        if (threepids !== undefined && (!Array.isArray(threepids) || threepids.some((t) => !t || typeof t.medium !== 'string' || typeof t.address !== 'string'))) {
          throw fail(400, 'M_INVALID_PARAM', 'threepids must be a list of {medium, address}');
        }
        if (body['displayname'] !== undefined && typeof body['displayname'] !== 'string') throw fail(400, 'M_INVALID_PARAM', 'displayname must be a string');
        if (body['deactivated'] !== undefined && typeof body['deactivated'] !== 'boolean') throw fail(400, 'M_INVALID_PARAM', "'deactivated' parameter is not of type boolean");
        const password = body['password'];
        if (password !== undefined && (typeof password !== 'string' || password.length > 512)) throw fail(400, 'M_INVALID_PARAM', 'Invalid password');
        const existing = users.get(userId);
        if (existing && password !== undefined && !localPasswords) throw fail(403, 'M_FORBIDDEN', 'Password change disabled');
        if (existing?.deactivated && body['deactivated'] === false && password === undefined && localPasswords) {
          throw fail(400, 'M_UNKNOWN', 'Must provide a password to re-activate an account.');
        }
        const user = existing ?? addUser(userId);
        if (typeof body['displayname'] === 'string') user.displayname = body['displayname'] || null;
        if (Array.isArray(externalIds)) user.external_ids = (externalIds as DoubleUser['external_ids']).map(({ auth_provider, external_id }) => ({ auth_provider, external_id }));
        if (Array.isArray(threepids)) user.threepids = (threepids as Array<{ medium: string; address: string }>).map(({ medium, address }) => ({ medium, address, added_at: now(), validated_at: now() }));
        if (typeof body['deactivated'] === 'boolean') user.deactivated = body['deactivated'];
        if (typeof password === 'string') withPassword.add(userId);
        if (typeof body['admin'] === 'boolean') user.admin = body['admin'];
        return [existing ? 200 : 201, adminUserView(user)];
      }
    }
    if (parts[0] === 'v1' && parts[1] === 'deactivate' && parts.length === 3 && method === 'POST') {
      const userId = parts[2]!;
      requireLocal(userId);
      const user = users.get(userId);
      if (!user) throw fail(404, 'M_NOT_FOUND', 'User not found');
      if (body['erase'] !== undefined && typeof body['erase'] !== 'boolean') throw fail(400, 'M_BAD_JSON', 'Param \'erase\' must be a boolean, if given');
      user.deactivated = true;
      user.threepids = [];
      withPassword.delete(userId);
      for (const room of rooms.values()) {
        const state = membership(room, userId);
        if (state === 'join' || state === 'invite') setMembership(room, userId, userId, 'leave');
      }
      return [200, { id_server_unbind_result: 'success' }];
    }
    throw fail(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  }

  function handleClient(method: string, parts: string[], actor: { userId: string; token: string }, body: Record<string, unknown>): [number, unknown] {
    const route = parts.join('/');
    if (method === 'GET' && route === 'account/whoami') return [200, { user_id: actor.userId }];
    if (method === 'POST' && route === 'createRoom') return [200, { room_id: createRoom(actor.userId, body) }];
    if (method === 'GET' && parts[0] === 'directory' && parts[1] === 'room' && parts.length === 3) {
      const roomId = aliases.get(parts[2]!);
      if (!roomId) throw fail(404, 'M_NOT_FOUND', `Room alias ${parts[2]} not found`);
      return [200, { room_id: roomId, servers: [serverName] }];
    }
    if (parts[0] === 'rooms' && parts.length >= 3) {
      const room = roomOf(parts[1]!);
      const action = parts[2];
      if (method === 'POST' && action === 'invite') {
        const target = body['user_id'];
        if (typeof target !== 'string') throw fail(400, 'M_MISSING_PARAM', 'Missing user_id');
        requireJoined(room, actor.userId);
        requirePower(room, actor.userId, powerLevels(room).invite ?? 0, 'invite');
        const current = membership(room, target);
        if (current === 'join') throw fail(403, 'M_FORBIDDEN', `${target} is already in the room.`);
        if (current === 'ban') throw fail(403, 'M_FORBIDDEN', `${target} is banned from the room`);
        if (current !== 'invite') setMembership(room, actor.userId, target, 'invite');
        return [200, {}];
      }
      if (method === 'POST' && action === 'kick') {
        const target = body['user_id'];
        if (typeof target !== 'string') throw fail(400, 'M_MISSING_PARAM', 'Missing user_id');
        requireJoined(room, actor.userId);
        requirePower(room, actor.userId, powerLevels(room).kick ?? 50, 'kick');
        if (!['join', 'invite'].includes(membership(room, target))) throw fail(403, 'M_FORBIDDEN', 'The target user is not in the room');
        setMembership(room, actor.userId, target, 'leave', typeof body['reason'] === 'string' ? { reason: body['reason'] } : {});
        return [200, {}];
      }
      if (method === 'GET' && action === 'members') {
        requireJoined(room, actor.userId);
        return [200, { chunk: [...room.state.values()].filter((e) => e.type === 'm.room.member') }];
      }
      if (method === 'PUT' && action === 'send' && parts.length === 5) {
        const [type, txnId] = [parts[3]!, parts[4]!];
        const key = `${actor.token}|${actor.userId}|${txnId}`;
        const seen = sentTxns.get(key);
        if (seen) return [200, { event_id: seen }];
        requireJoined(room, actor.userId);
        requirePower(room, actor.userId, neededFor(room, type, false), `send ${type}`);
        const event = emit(room, actor.userId, type, body);
        sentTxns.set(key, event.event_id);
        return [200, { event_id: event.event_id }];
      }
    }
    throw fail(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://double');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const record: RecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), actingAs: null, body: null, status: 0 };
    requests.push(record);
    let status: number;
    let payload: unknown;
    try {
      let body: Record<string, unknown> = {};
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          throw fail(400, 'M_NOT_JSON', 'Content not JSON.');
        }
        if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail(400, 'M_BAD_JSON', 'Content must be a JSON object.');
      }
      record.body = raw ? body : null;
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] === '_matrix' && parts[1] === 'client' && parts[2] === 'versions') {
        [status, payload] = [200, { versions: ['v1.1', 'v1.5', 'v1.11'] }];
      } else {
        const actor = authenticate(req, url);
        record.actingAs = actor.userId;
        if (users.get(actor.userId)?.deactivated) throw fail(401, 'M_USER_DEACTIVATED', 'This account has been deactivated');
        if (parts[0] === '_matrix' && parts[1] === 'client' && ['v3', 'r0'].includes(parts[2] ?? '')) [status, payload] = handleClient(method, parts.slice(3), actor, body);
        else if (parts[0] === '_synapse' && parts[1] === 'admin') [status, payload] = handleAdmin(method, parts.slice(2), actor, body);
        else throw fail(404, 'M_UNRECOGNIZED', 'Unrecognized request');
      }
    } catch (error) {
      if (!(error instanceof MatrixHttpError)) throw error;
      status = error.status;
      payload = { errcode: error.errcode, error: error.message, ...error.extra };
    }
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: String(error) }));
    });
  });

  // ---- what a person does in a client --------------------------------------------------------

  function actAs(userId: string) {
    const user = users.get(userId);
    if (!user) throw new Error(`no such user ${userId}`);
    if (user.deactivated) throw new Error(`${userId} is deactivated`);
  }

  function send(userId: string, roomId: string, type: string, content: Record<string, unknown>): ClientEvent {
    if (!userId.endsWith(`:${serverName}`)) throw new Error('remote users act through injectEvent');
    actAs(userId);
    const room = roomOf(roomId);
    requireJoined(room, userId);
    return emit(room, userId, type, content);
  }

  return {
    serverName,
    botUserId,
    adminUserId,
    users,
    rooms,
    aliases,
    requests,
    pushes,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    /** Registers a person like SSO sign-in would (account created by Synapse, not by us). */
    registerUser(userId: string, fields: Partial<DoubleUser> = {}) {
      return addUser(userId, fields);
    },
    join(userId: string, roomId: string): ClientEvent {
      actAs(userId);
      const room = roomOf(roomId);
      const current = membership(room, userId);
      if (current === 'join') throw new Error(`${userId} already joined`);
      const rule = room.state.get(stateKeyOf('m.room.join_rules', ''))?.content['join_rule'];
      if (current !== 'invite' && rule !== 'public') throw new Error(`${userId} is not invited to ${roomId}`);
      return setMembership(room, userId, userId, 'join');
    },
    send,
    message(userId: string, roomId: string, body: string): ClientEvent {
      return send(userId, roomId, 'm.room.message', { msgtype: 'm.text', body });
    },
    /** A rich reply (with the quoted fallback Element writes), optionally inside a thread. */
    reply(userId: string, roomId: string, replyTo: ClientEvent, body: string, options: { thread?: string } = {}): ClientEvent {
      const quoted = String(replyTo.content['body'] ?? '').split('\n').map((line, i) => (i === 0 ? `> <${replyTo.sender}> ${line}` : `> ${line}`)).join('\n');
      const relates = options.thread
        ? { rel_type: 'm.thread', event_id: options.thread, is_falling_back: false, 'm.in_reply_to': { event_id: replyTo.event_id } }
        : { 'm.in_reply_to': { event_id: replyTo.event_id } };
      return send(userId, roomId, 'm.room.message', { msgtype: 'm.text', body: `${quoted}\n\n${body}`, 'm.relates_to': relates });
    },
    /** A message in a thread that is not a reply to anything (is_falling_back: true). */
    threadMessage(userId: string, roomId: string, root: string, latest: string, body: string): ClientEvent {
      return send(userId, roomId, 'm.room.message', { msgtype: 'm.text', body, 'm.relates_to': { rel_type: 'm.thread', event_id: root, is_falling_back: true, 'm.in_reply_to': { event_id: latest } } });
    },
    react(userId: string, roomId: string, target: string, key: string): ClientEvent {
      return send(userId, roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key } });
    },
    /** An event from a remote server (federation), for rooms that allow it. */
    injectEvent(roomId: string, sender: string, type: string, content: Record<string, unknown>): ClientEvent {
      return emit(roomOf(roomId), sender, type, content);
    },
    hasPassword: (userId: string) => withPassword.has(userId),
    membership(roomId: string, userId: string): string {
      return membership(roomOf(roomId), userId);
    },
    stateContent(roomId: string, type: string, stateKey = ''): Record<string, unknown> | undefined {
      return roomOf(roomId).state.get(stateKeyOf(type, stateKey))?.content;
    },
    messages(roomId: string): ClientEvent[] {
      return roomOf(roomId).timeline.filter((e) => e.state_key === undefined);
    },
    /** Waits until every queued transaction has been accepted (or given up on). */
    async flushPushes(): Promise<void> {
      let current: Promise<void>;
      do {
        current = pushing;
        await current;
      } while (current !== pushing || pending.length > 0);
    },
    /** Sends the last transaction again with the same id and events (a homeserver retry). */
    async replayLastTransaction(): Promise<boolean> {
      if (!lastTransaction) throw new Error('nothing was pushed yet');
      return pushOnce(lastTransaction.txnId, lastTransaction.events);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type HomeserverDouble = ReturnType<typeof startHomeserverDouble>;
