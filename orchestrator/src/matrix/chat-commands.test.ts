import { describe, expect, it } from 'vitest';
import { mayBeCommand, parseChatCommand, stripReplyFallback, type ClientEvent } from './chat-commands.ts';

const base = { event_id: '$cmd', sender: '@carol.ceo:hs', room_id: '!room:hs' };
const message = (body: string, relates?: Record<string, unknown>, extra: Record<string, unknown> = {}): ClientEvent => ({
  ...base,
  type: 'm.room.message',
  content: { msgtype: 'm.text', body, ...(relates ? { 'm.relates_to': relates } : {}), ...extra },
});
const reply = (to: string) => ({ 'm.in_reply_to': { event_id: to } });

describe('chat commands', () => {
  it('reads !approve and !reject with their comment from a reply, after the quoted fallback', () => {
    const body = '> <@wrrk:hs> 🔔 Escalation (high): Refund\n> Requested by Alice\n\n!approve  Go ahead\nwith care ';
    expect(parseChatCommand(message(body, reply('$notice')))).toEqual({ kind: 'decide', status: 'approved', comment: 'Go ahead\nwith care', via: 'message', targets: ['$notice'] });
    expect(parseChatCommand(message('!REJECT too expensive', reply('$notice')))).toMatchObject({ status: 'rejected', comment: 'too expensive' });
    expect(parseChatCommand(message('!approve', reply('$notice')))).toMatchObject({ status: 'approved', comment: undefined });
  });

  it('targets the replied-to event first, then the thread root', () => {
    const inThread = { rel_type: 'm.thread', event_id: '$root', is_falling_back: false, 'm.in_reply_to': { event_id: '$other' } };
    expect(parseChatCommand(message('!approve', inThread))?.targets).toEqual(['$other', '$root']);
    const fallback = { rel_type: 'm.thread', event_id: '$root', is_falling_back: true, 'm.in_reply_to': { event_id: '$latest' } };
    expect(parseChatCommand(message('!approve', fallback))?.targets).toEqual(['$root', '$latest']);
    expect(parseChatCommand(message('!approve'))?.targets).toEqual([]);
  });

  it('reads agreed reactions and ignores other emoji', () => {
    const react = (key: string): ClientEvent => ({ ...base, type: 'm.reaction', content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$notice', key } } });
    expect(parseChatCommand(react('✅'))).toMatchObject({ kind: 'decide', status: 'approved', via: 'reaction', targets: ['$notice'] });
    expect(parseChatCommand(react('👍'))).toMatchObject({ status: 'approved' });
    expect(parseChatCommand(react('✔️'))).toMatchObject({ status: 'approved' });
    expect(parseChatCommand(react('✔'))).toMatchObject({ status: 'approved' }); // without the variation selector
    expect(parseChatCommand(react('❌'))).toMatchObject({ status: 'rejected', comment: undefined });
    expect(parseChatCommand(react('🎉'))).toBeNull();
  });

  it('ignores everything that is not a command', () => {
    expect(parseChatCommand(message('approve please'))).toBeNull();
    expect(parseChatCommand(message('!approved'))).toBeNull();
    expect(parseChatCommand(message('> quoted\n\nnothing'))).toBeNull();
    expect(parseChatCommand(message('!approve', { rel_type: 'm.replace', event_id: '$old' }))).toBeNull(); // edits never decide
    expect(parseChatCommand({ ...message('!approve'), content: { msgtype: 'm.notice', body: '!approve' } })).toBeNull();
    expect(parseChatCommand({ ...message('!approve'), state_key: '' })).toBeNull();
    expect(parseChatCommand(message('!help'))).toEqual({ kind: 'help', targets: [] });
    expect(parseChatCommand(message(`!reject ${'x'.repeat(2001)}`, reply('$n')))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('too long') });
  });

  it('never treats the bot\'s own messages as commands', () => {
    expect(mayBeCommand(message('!approve'), '@wrrk:hs')).toBe(true);
    expect(mayBeCommand({ ...message('!approve'), sender: '@wrrk:hs' }, '@wrrk:hs')).toBe(false);
  });

  it('strips only a leading quote block', () => {
    expect(stripReplyFallback('> a\n> b\n\nc\n> d')).toBe('c\n> d');
    expect(stripReplyFallback('plain')).toBe('plain');
  });
});
