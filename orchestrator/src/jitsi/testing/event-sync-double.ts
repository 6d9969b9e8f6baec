/**
 * Stands in for prosody's jitsi-contrib `event_sync` component: builds the JSON bodies its
 * README documents (Unix-second timestamps, occupant name/email/id from the token's
 * `context.user`) and POSTs them to `{api_prefix}/events/...` with the configured
 * `api_headers`, retrying on 5xx up to `api_retry_count` times like the module. A test decides
 * the order events arrive in by the order it calls `post`.
 */
export interface EventSyncOptions {
  apiPrefix: string;
  token: string | null;
  /** Sends through this instead of the network (e.g. `app.request`). */
  fetch?: (url: string, init: RequestInit) => Response | Promise<Response>;
  retryCount?: number;
  mucDomain?: string;
}

export interface OccupantInfo {
  id?: string | null;
  name?: string | null;
  email?: string | null;
  occupant_jid: string;
  joined_at: number;
  left_at?: number;
}

const unix = (date: Date | number) => Math.floor((typeof date === 'number' ? date : date.getTime()) / 1000);

export function createEventSync(options: EventSyncOptions) {
  const muc = options.mucDomain ?? 'muc.meet.jitsi';
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const jid = (room: string) => `${room}@${muc}`;

  async function post(path: string, body: Record<string, unknown>): Promise<Response> {
    const attempts = 1 + (options.retryCount ?? 3);
    let response: Response | undefined;
    for (let i = 0; i < attempts; i += 1) {
      response = await send(`${options.apiPrefix}/events/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (response.status < 500) return response;
    }
    return response!;
  }

  return {
    occupant(room: string, nick: string, user: { id?: string; name?: string; email?: string } | null, joinedAt: Date | number, leftAt?: Date | number): OccupantInfo {
      return {
        occupant_jid: `${jid(room)}/${nick}`,
        joined_at: unix(joinedAt),
        ...(leftAt === undefined ? {} : { left_at: unix(leftAt) }),
        id: user?.id ?? null,
        name: user?.name ?? null,
        email: user?.email ?? null,
      };
    },
    roomCreated: (room: string, at: Date | number, extra: Record<string, unknown> = {}) =>
      post('room/created', { event_name: 'muc-room-created', room_name: room, room_jid: jid(room), is_breakout: false, created_at: unix(at), ...extra }),
    roomDestroyed: (room: string, createdAt: Date | number, destroyedAt: Date | number, occupants: OccupantInfo[]) =>
      post('room/destroyed', { event_name: 'muc-room-destroyed', room_name: room, room_jid: jid(room), is_breakout: false, created_at: unix(createdAt), destroyed_at: unix(destroyedAt), all_occupants: occupants }),
    occupantJoined: (room: string, occupant: OccupantInfo, activeCount = 1) =>
      post('occupant/joined', { event_name: 'muc-occupant-joined', room_name: room, room_jid: jid(room), is_breakout: false, occupant: { ...occupant, left_at: undefined }, active_occupants_count: activeCount }),
    occupantLeft: (room: string, occupant: OccupantInfo, activeCount = 0) =>
      post('occupant/left', { event_name: 'muc-occupant-left', room_name: room, room_jid: jid(room), is_breakout: false, occupant, active_occupants_count: activeCount }),
    raw: post,
  };
}
