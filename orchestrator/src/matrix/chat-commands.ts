import { COMMENT_MAX } from '../approvals/approval-rules.ts';
import { APPROVE_REACTIONS, REJECT_REACTIONS } from './matrix-notices.ts';

/**
 * Approve from chat, as a pure parser of Matrix client events (spec: `m.room.message` with
 * rich replies and threads, `m.reaction` annotations). A CEO answers an escalation notice:
 *
 *   - reply (or write in its thread) `!approve [comment]` or `!reject <reason>`;
 *   - or react to it with ✅ / 👍 (approve) or ❌ / 👎 (reject: refused, a reason is required).
 *
 * `targets` lists the events the command answers, most specific first (the replied-to event,
 * then the thread root); the handler looks them up among the bot's notices.
 */
export interface ClientEvent {
  event_id: string;
  type: string;
  sender: string;
  room_id: string;
  origin_server_ts?: number;
  state_key?: string;
  content: Record<string, unknown>;
}

export type ChatCommand =
  | { kind: 'decide'; status: 'approved' | 'rejected'; comment: string | undefined; via: 'message' | 'reaction'; targets: string[] }
  | { kind: 'help'; targets: string[] }
  | { kind: 'invalid'; reason: string; targets: string[] };

export const USAGE = 'Reply to an escalation notice with !approve [comment] or !reject <reason> (or react with ✅ to approve).';

const COMMAND = /^!(approve|reject|help)(?=\s|$)\s*([\s\S]*)$/i;

function object(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A reply's body starts with `> ` quoted lines of the original (spec "fallbacks for rich replies"). */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i += 1;
  if (i > 0 && lines[i]?.trim() === '') i += 1;
  return lines.slice(i).join('\n').trim();
}

function messageTargets(content: Record<string, unknown>): string[] {
  const relation = object(content['m.relates_to']);
  if (!relation) return [];
  const targets: string[] = [];
  const replyTo = object(relation['m.in_reply_to'])?.['event_id'];
  // In a thread, `m.in_reply_to` with is_falling_back only points at the latest thread message.
  if (typeof replyTo === 'string' && relation['is_falling_back'] !== true) targets.push(replyTo);
  if (relation['rel_type'] === 'm.thread' && typeof relation['event_id'] === 'string') targets.push(relation['event_id']);
  if (typeof replyTo === 'string' && !targets.includes(replyTo)) targets.push(replyTo);
  return targets;
}

const normaliseKey = (key: string) => key.replace(/\uFE0F/g, '');
const APPROVE = new Set(APPROVE_REACTIONS.map(normaliseKey));
const REJECT = new Set(REJECT_REACTIONS.map(normaliseKey));

export function parseChatCommand(event: ClientEvent): ChatCommand | null {
  if (event.state_key !== undefined) return null;
  const content = object(event.content);
  if (!content) return null;

  if (event.type === 'm.reaction') {
    const relation = object(content['m.relates_to']);
    if (relation?.['rel_type'] !== 'm.annotation' || typeof relation['event_id'] !== 'string' || typeof relation['key'] !== 'string') return null;
    const key = normaliseKey(relation['key']);
    const targets = [relation['event_id']];
    if (APPROVE.has(key)) return { kind: 'decide', status: 'approved', comment: undefined, via: 'reaction', targets };
    if (REJECT.has(key)) return { kind: 'decide', status: 'rejected', comment: undefined, via: 'reaction', targets };
    return null; // other emoji are just emoji
  }

  if (event.type !== 'm.room.message') return null;
  if (content['msgtype'] !== 'm.text' || typeof content['body'] !== 'string') return null;
  // Edits (m.replace) never trigger a decision: the original message did, or did not.
  if (object(content['m.relates_to'])?.['rel_type'] === 'm.replace') return null;
  const match = COMMAND.exec(stripReplyFallback(content['body']));
  if (!match) return null;
  const verb = match[1]!.toLowerCase();
  const rest = match[2]!.trim();
  const targets = messageTargets(content);
  if (verb === 'help') return { kind: 'help', targets };
  if (rest.length > COMMENT_MAX) return { kind: 'invalid', reason: `the comment is too long (at most ${COMMENT_MAX} characters)`, targets };
  return { kind: 'decide', status: verb === 'approve' ? 'approved' : 'rejected', comment: rest || undefined, via: 'message', targets };
}

/** Cheap pre-filter for the transaction endpoint: only possible commands are recorded. */
export function mayBeCommand(event: ClientEvent, botUserId: string): boolean {
  if (event.sender === botUserId || typeof event.event_id !== 'string' || typeof event.room_id !== 'string') return false;
  return parseChatCommand(event) !== null;
}
