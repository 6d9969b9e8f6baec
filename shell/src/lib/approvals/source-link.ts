import type { ApprovalSource } from '../orchestrator/types';

/**
 * Where an escalation came from, as a link back: the URL the source recorded, or the Chatwoot
 * conversation built from CHATWOOT_URL, account and conversation ids. Only http(s) links are
 * ever rendered.
 */
export function sourceLink(source: ApprovalSource | null, chatwootUrl: string | null): { href: string | null; label: string } | null {
  if (!source) return null;
  const label =
    source.system === 'chatwoot'
      ? `Chatwoot${source.conversationId ? ` conversation #${source.conversationId}` : ''}`
      : source.system === 'matrix'
        ? 'Team chat (Matrix)'
        : 'The shell';
  if (source.url && /^https?:\/\//i.test(source.url)) return { href: source.url, label };
  if (source.system === 'chatwoot' && chatwootUrl && source.accountId && source.conversationId) {
    return { href: `${chatwootUrl}/app/accounts/${source.accountId}/conversations/${source.conversationId}`, label };
  }
  return { href: null, label };
}

/**
 * Reads a pasted Chatwoot conversation reference: a full URL
 * (`…/app/accounts/1/conversations/42`, also the `…/inbox/3/conversations/42` form) or `#42`.
 */
export function parseConversationReference(value: string): { accountId: number | null; conversationId: number; url: string | null } | null {
  const text = value.trim();
  const bare = /^#?(\d{1,12})$/.exec(text);
  if (bare) return { accountId: null, conversationId: Number(bare[1]), url: null };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const match = /\/app\/accounts\/(\d+)\/(?:.*\/)?conversations\/(\d+)/.exec(url.pathname);
  if (!match) return null;
  return { accountId: Number(match[1]), conversationId: Number(match[2]), url: `${url.origin}${url.pathname}` };
}
