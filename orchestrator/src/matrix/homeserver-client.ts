import { ConnectionError, createClient, MatrixError, Method, Preset, Visibility, type IRequestOpts, type MatrixClient } from 'matrix-js-sdk';
import type { Logger as SdkLogger } from 'matrix-js-sdk/lib/logger.js';
import type { Logger } from 'pino';
import type { DeliveryOutcome } from '../outbox/outbox-delivery.ts';
import type { MatrixSettings } from './matrix-settings.ts';

/**
 * Every call the orchestrator makes to the homeserver, through matrix-js-sdk's HTTP layer:
 * client-server calls as the application service's bot (`as_token`), Synapse Admin API calls
 * with a server-admin token. No sync loop, no crypto, no scheduler: each call either succeeds
 * or throws, so the outbox decides about retries (the SDK's scheduler would retry silently).
 */

export interface CreateRoomRequest {
  aliasLocalpart: string;
  name: string;
  topic: string;
  invite: string[];
}

export type Membership = 'join' | 'invite' | 'leave' | 'ban' | 'knock';

export interface AdminUser {
  name: string;
  displayname: string | null;
  admin: boolean;
  deactivated: boolean;
  threepids: Array<{ medium: string; address: string }>;
  external_ids: Array<{ auth_provider: string; external_id: string }>;
}

export interface AdminUserUpdate {
  displayname?: string;
  threepids?: Array<{ medium: string; address: string }>;
  external_ids?: Array<{ auth_provider: string; external_id: string }>;
  deactivated?: boolean;
  password?: string;
  logout_devices?: boolean;
}

export interface HomeserverClient {
  readonly botUserId: string;
  /** Room id for an alias, null when the alias does not exist. */
  resolveAlias(alias: string): Promise<string | null>;
  /** A private, unencrypted room with the bot as admin; throws RoomAliasInUse if taken. */
  createRoom(request: CreateRoomRequest): Promise<string>;
  members(roomId: string): Promise<Map<string, Membership>>;
  invite(roomId: string, userId: string): Promise<void>;
  kick(roomId: string, userId: string, reason: string): Promise<void>;
  /** PUT /rooms/{roomId}/send/{type}/{txnId}: the same txnId twice is one event. */
  sendEvent(roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<string>;
  /** The admin API (needs MATRIX_ADMIN_TOKEN). */
  admin: AdminApi | null;
}

export interface AdminApi {
  getUser(userId: string): Promise<AdminUser | null>;
  putUser(userId: string, update: AdminUserUpdate): Promise<AdminUser>;
  deactivateUser(userId: string): Promise<void>;
}

export class RoomAliasInUse extends Error {}

/** Power levels of a tenant room: the bot administers it; staff can talk, not reconfigure. */
export function tenantRoomPowerLevels(botUserId: string) {
  return {
    users: { [botUserId]: 100 },
    users_default: 0,
    events_default: 0,
    state_default: 50,
    invite: 50,
    kick: 50,
    ban: 50,
    redact: 50,
    events: {
      'm.room.name': 100,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 100,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      // Nobody may turn on encryption: the bot has no crypto and must keep reading commands.
      'm.room.encryption': 100,
    },
  };
}

function sdkLogger(logger: Logger | undefined): SdkLogger {
  const log = logger?.child({ component: 'matrix-js-sdk' });
  const make = (): SdkLogger => ({
    trace: () => {},
    debug: (...msg: unknown[]) => log?.trace(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => log?.debug(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => log?.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => log?.error(msg.map(String).join(' ')),
    getChild: () => make(),
  });
  return make();
}

const enc = encodeURIComponent;
// The SDK's option type picks `priority` from the DOM's RequestInit, which Node's lacks.
const prefixed = (prefix: string) => ({ prefix }) as IRequestOpts;

export interface HomeserverClientOptions {
  logger?: Logger | undefined;
  /** Per-call limit; the outbox worker has its own as well. */
  timeoutMs?: number;
}

export function createHomeserverClient(settings: MatrixSettings, options: HomeserverClientOptions = {}): HomeserverClient {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const logger = sdkLogger(options.logger);
  const bot: MatrixClient = createClient({ baseUrl: settings.homeserverUrl, accessToken: settings.asToken, userId: settings.botUserId, localTimeoutMs: timeoutMs, logger });
  const adminClient: MatrixClient | null = settings.adminToken
    ? createClient({ baseUrl: settings.homeserverUrl, accessToken: settings.adminToken, localTimeoutMs: timeoutMs, logger })
    : null;

  const admin: AdminApi | null = adminClient && {
    async getUser(userId) {
      try {
        return await adminClient.http.authedRequest<AdminUser>(Method.Get, `/users/${enc(userId)}`, undefined, undefined, prefixed('/_synapse/admin/v2'));
      } catch (error) {
        if (error instanceof MatrixError && error.httpStatus === 404) return null;
        throw error;
      }
    },
    putUser: (userId, update) => adminClient.http.authedRequest<AdminUser>(Method.Put, `/users/${enc(userId)}`, undefined, { ...update }, prefixed('/_synapse/admin/v2')),
    async deactivateUser(userId) {
      await adminClient.http.authedRequest(Method.Post, `/deactivate/${enc(userId)}`, undefined, { erase: false }, prefixed('/_synapse/admin/v1'));
    },
  };

  return {
    botUserId: settings.botUserId,
    async resolveAlias(alias) {
      try {
        const { room_id } = await bot.getRoomIdForAlias(alias);
        return room_id;
      } catch (error) {
        if (error instanceof MatrixError && error.httpStatus === 404) return null;
        throw error;
      }
    },
    async createRoom(request) {
      try {
        const { room_id } = await bot.createRoom({
          room_alias_name: request.aliasLocalpart,
          name: request.name,
          topic: request.topic,
          invite: request.invite,
          // private_chat: invite-only, shared history; no m.room.encryption in initial_state.
          preset: Preset.PrivateChat,
          visibility: Visibility.Private,
          creation_content: { 'm.federate': false },
          power_level_content_override: tenantRoomPowerLevels(settings.botUserId),
        });
        return room_id;
      } catch (error) {
        if (error instanceof MatrixError && error.errcode === 'M_ROOM_IN_USE') throw new RoomAliasInUse(`alias ${request.aliasLocalpart} is taken`);
        throw error;
      }
    },
    async members(roomId) {
      const { chunk } = await bot.members(roomId);
      const result = new Map<string, Membership>();
      for (const event of chunk ?? []) {
        const membership = (event.content as { membership?: Membership } | undefined)?.membership;
        if (event.state_key && membership) result.set(event.state_key, membership);
      }
      return result;
    },
    async invite(roomId, userId) {
      await bot.http.authedRequest(Method.Post, `/rooms/${enc(roomId)}/invite`, undefined, { user_id: userId });
    },
    async kick(roomId, userId, reason) {
      await bot.http.authedRequest(Method.Post, `/rooms/${enc(roomId)}/kick`, undefined, { user_id: userId, reason });
    },
    async sendEvent(roomId, type, content, txnId) {
      const { event_id } = await bot.http.authedRequest<{ event_id: string }>(Method.Put, `/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`, undefined, content);
      return event_id;
    },
    admin,
  };
}

/** How a failed homeserver call ends for the outbox: 429/5xx/network retry, other 4xx are final. */
export function outcomeFromMatrixError(error: unknown, context: string): DeliveryOutcome {
  if (error instanceof MatrixError || (error instanceof Error && 'httpStatus' in error)) {
    const status = (error as MatrixError).httpStatus ?? 0;
    const errcode = (error as MatrixError).errcode;
    const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
    const retryAfter = error instanceof MatrixError ? error.getRetryAfterMs() : null;
    return {
      ok: false,
      retryable,
      error: `${context}: HTTP ${status}${errcode ? ` ${errcode}` : ''} ${(error as MatrixError).data?.error ?? error.message}`.trim(),
      ...(retryAfter === null ? {} : { retryAfterMs: retryAfter }),
    };
  }
  if (error instanceof ConnectionError) return { ok: false, retryable: true, error: `${context}: ${error.message}` };
  return { ok: false, retryable: true, error: `${context}: ${(error as Error)?.message ?? String(error)}` };
}
