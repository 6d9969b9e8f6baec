import { describe, expect, it } from 'vitest';
import { parseConversationReference, sourceLink } from './source-link';

describe('escalation sources', () => {
  it('links back to the recorded URL, or builds the Chatwoot conversation URL', () => {
    expect(sourceLink({ system: 'chatwoot', conversationId: 42, url: 'https://cw.example/app/accounts/1/conversations/42' }, null)).toEqual({ href: 'https://cw.example/app/accounts/1/conversations/42', label: 'Chatwoot conversation #42' });
    expect(sourceLink({ system: 'chatwoot', accountId: 3, conversationId: 9 }, 'https://cw.example')).toEqual({ href: 'https://cw.example/app/accounts/3/conversations/9', label: 'Chatwoot conversation #9' });
    expect(sourceLink({ system: 'chatwoot', conversationId: 9 }, 'https://cw.example')).toEqual({ href: null, label: 'Chatwoot conversation #9' });
    expect(sourceLink({ system: 'matrix' }, null)).toEqual({ href: null, label: 'Team chat (Matrix)' });
    expect(sourceLink(null, null)).toBeNull();
  });

  it('never renders a non-http link', () => {
    expect(sourceLink({ system: 'shell', url: 'javascript:alert(1)' }, null)).toEqual({ href: null, label: 'The shell' });
  });

  it('reads pasted conversation links and numbers', () => {
    expect(parseConversationReference('https://cw.example/app/accounts/1/conversations/42?x=1#m')).toEqual({ accountId: 1, conversationId: 42, url: 'https://cw.example/app/accounts/1/conversations/42' });
    expect(parseConversationReference('https://cw.example/app/accounts/5/inbox/2/conversations/77')).toEqual({ accountId: 5, conversationId: 77, url: 'https://cw.example/app/accounts/5/inbox/2/conversations/77' });
    expect(parseConversationReference(' #42 ')).toEqual({ accountId: null, conversationId: 42, url: null });
    expect(parseConversationReference('42')).toMatchObject({ conversationId: 42 });
    expect(parseConversationReference('ftp://cw.example/app/accounts/1/conversations/42')).toBeNull();
    expect(parseConversationReference('https://cw.example/somewhere')).toBeNull();
    expect(parseConversationReference('forty-two')).toBeNull();
  });
});
