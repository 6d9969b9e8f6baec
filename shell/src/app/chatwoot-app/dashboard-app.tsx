'use client';

import Keycloak from 'keycloak-js';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { draftFor, FETCH_INFO_MESSAGE, readAppContext, readAuthHandoff, type ConversationContext, type EscalationDraft } from './app-context';

interface Approval {
  id: string;
  title: string;
  status: 'pending' | 'approved' | 'rejected' | 'cancelled';
  priority: string;
  requestedByName: string;
  decidedByName: string | null;
  decisionComment: string | null;
  createdAt: string;
  decidedAt: string | null;
  dueAt: string;
}

interface OrchestratorContext {
  tenantId: string;
  tenantName: string;
  approvals: Approval[];
  pendingApprovalId: string | null;
}

type Load = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; data: OrchestratorContext } | { kind: 'error'; message: string; status: number };

const STATUS_TEXT: Record<Approval['status'], string> = { pending: 'Waiting for the CEO', approved: 'Approved', rejected: 'Rejected', cancelled: 'Cancelled' };
const POLL_MS = 15_000;

async function errorText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: string };
    return body.error ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/**
 * The frame Chatwoot shows next to a conversation. It learns which conversation from
 * Chatwoot's `appContext` message (checked: Chatwoot's origin, the parent window), signs the
 * agent in with Keycloak through a popup, shows the conversation's escalations and their
 * decisions, and escalates with one click.
 */
export function DashboardApp({ chatwootUrl, chatwootOrigin, keycloak }: { chatwootUrl: string; chatwootOrigin: string; keycloak: { url: string; realm: string; clientId: string } }) {
  const [conversation, setConversation] = useState<ConversationContext | null>(null);
  const [waitedTooLong, setWaitedTooLong] = useState(false);
  const [signedIn, setSignedIn] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  const [load, setLoad] = useState<Load>({ kind: 'idle' });
  const [draft, setDraft] = useState<EscalationDraft | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'success' | 'danger' | 'warning'; text: string } | null>(null);
  const kc = useRef<Keycloak | null>(null);
  const popup = useRef<Window | null>(null);

  // Chatwoot's context: sent on load; asked for again in case the frame loaded first.
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const context = readAppContext(event, chatwootOrigin, window.parent);
      if (context) {
        setConversation(context);
        setDraft((current) => current ?? draftFor(context));
        return;
      }
      const handoff = readAuthHandoff(event, window.location.origin, popup.current);
      if (handoff) {
        popup.current = null;
        const instance = new Keycloak(keycloak);
        instance
          .init({ token: handoff.token, ...(handoff.refreshToken ? { refreshToken: handoff.refreshToken } : {}), ...(handoff.idToken ? { idToken: handoff.idToken } : {}), checkLoginIframe: false, pkceMethod: 'S256' })
          .then(() => {
            kc.current = instance;
            setSignedIn(true);
          })
          .catch(() => setNotice({ tone: 'danger', text: 'Signing in did not complete. Try again.' }))
          .finally(() => setSigningIn(false));
      }
    };
    window.addEventListener('message', onMessage);
    if (window.parent !== window) window.parent.postMessage(FETCH_INFO_MESSAGE, chatwootOrigin);
    const timer = setTimeout(() => setWaitedTooLong(true), 4_000);
    return () => {
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
    };
  }, [chatwootOrigin, keycloak]);

  const authorizedFetch = useCallback(async (path: string, init: RequestInit = {}) => {
    const instance = kc.current;
    if (!instance) throw new Error('not signed in');
    try {
      await instance.updateToken(30);
    } catch {
      kc.current = null;
      setSignedIn(false);
      throw new Error('your sign-in expired: sign in again');
    }
    return fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${instance.token}` }, cache: 'no-store' });
  }, []);

  const refresh = useCallback(async () => {
    if (!conversation || !kc.current) return;
    setLoad((current) => (current.kind === 'ready' ? current : { kind: 'loading' }));
    try {
      const response = await authorizedFetch(`/api/chatwoot-app/context?accountId=${conversation.accountId}&conversationId=${conversation.conversationId}`);
      if (!response.ok) {
        setLoad({ kind: 'error', status: response.status, message: await errorText(response) });
        return;
      }
      setLoad({ kind: 'ready', data: (await response.json()) as OrchestratorContext });
    } catch (error) {
      setLoad({ kind: 'error', status: 0, message: (error as Error).message });
    }
  }, [authorizedFetch, conversation]);

  useEffect(() => {
    if (signedIn && conversation) void refresh();
  }, [signedIn, conversation, refresh]);

  // While the CEO has not decided, look again now and then: the decision shows up here.
  const pending = load.kind === 'ready' && load.data.pendingApprovalId !== null;
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [pending, refresh]);

  const signIn = () => {
    setNotice(null);
    setSigningIn(true);
    // Opened from the click itself, so popup blockers allow it.
    popup.current = window.open('/chatwoot-app/login', 'wrrk-dashboard-sign-in', 'popup,width=480,height=680');
    if (!popup.current) {
      setSigningIn(false);
      setNotice({ tone: 'warning', text: 'The browser blocked the sign-in window. Allow pop-ups for this site and try again.' });
    }
  };

  const escalate = async (event: FormEvent) => {
    event.preventDefault();
    if (!conversation || !draft || load.kind !== 'ready') return;
    setSubmitting(true);
    setNotice(null);
    try {
      const response = await authorizedFetch('/api/chatwoot-app/escalate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenantId: load.data.tenantId,
          accountId: conversation.accountId,
          conversationId: conversation.conversationId,
          inboxId: conversation.inboxId,
          url: `${chatwootUrl}/app/accounts/${conversation.accountId}/conversations/${conversation.conversationId}`,
          ...draft,
        }),
      });
      if (response.status === 201) setNotice({ tone: 'success', text: 'Escalated. The CEO sees it now; the decision will appear here and as a private note.' });
      else if (response.status === 409) setNotice({ tone: 'warning', text: 'This conversation already waits for the CEO.' });
      else setNotice({ tone: 'danger', text: await errorText(response) });
      await refresh();
    } catch (error) {
      setNotice({ tone: 'danger', text: (error as Error).message });
    } finally {
      setSubmitting(false);
    }
  };

  if (!conversation) {
    return (
      <main className="page stack" aria-busy={!waitedTooLong}>
        <h1 className="page-title">Escalate to CEO</h1>
        <p className="muted">{waitedTooLong ? 'Open this app from a conversation in Chatwoot.' : 'Waiting for the conversation from Chatwoot…'}</p>
      </main>
    );
  }

  return (
    <main className="page stack">
      <header className="stack">
        <h1 className="page-title">Escalate to CEO</h1>
        <p className="muted">
          Conversation #{conversation.conversationId}
          {conversation.contactName ? ` with ${conversation.contactName}` : ''}
          {load.kind === 'ready' ? ` · ${load.data.tenantName}` : ''}
        </p>
      </header>

      {notice && (
        <div className="notice" data-tone={notice.tone} role={notice.tone === 'danger' ? 'alert' : 'status'}>
          <p>{notice.text}</p>
        </div>
      )}

      {!signedIn ? (
        <section className="card card-body stack">
          <p>Sign in with your wrrk account to see this conversation’s escalations and to escalate it.</p>
          <div>
            <button type="button" className="btn btn-primary" onClick={signIn} disabled={signingIn}>
              {signingIn ? 'Waiting for the sign-in window…' : 'Sign in'}
            </button>
          </div>
        </section>
      ) : load.kind === 'error' ? (
        <div className="notice" data-tone="danger" role="alert">
          <p>{load.status === 403 ? 'This Chatwoot account belongs to a tenant you are not a member of.' : `Could not load the escalations: ${load.message}`}</p>
        </div>
      ) : load.kind !== 'ready' ? (
        <p className="muted" aria-busy="true">Loading…</p>
      ) : (
        <>
          {load.data.approvals.length > 0 && (
            <section className="stack" aria-label="Escalations of this conversation">
              {load.data.approvals.map((approval) => (
                <article key={approval.id} className="card card-body stack">
                  <div className="row spaced">
                    <strong>{approval.title}</strong>
                    <span className="badge" data-tone={approval.status}>{STATUS_TEXT[approval.status]}</span>
                  </div>
                  <p className="muted small">
                    Asked by {approval.requestedByName} · {new Date(approval.createdAt).toLocaleString()}
                    {approval.decidedByName ? ` · decided by ${approval.decidedByName}` : ` · due ${new Date(approval.dueAt).toLocaleString()}`}
                  </p>
                  {approval.decisionComment && <blockquote>{approval.decisionComment}</blockquote>}
                  <a href={`/app/approvals/${approval.id}`} target="_blank" rel="noopener noreferrer" className="small">Open in wrrk</a>
                </article>
              ))}
            </section>
          )}
          {!load.data.pendingApprovalId && draft && (
            <form className="card card-body stack" onSubmit={escalate}>
              <div className="field">
                <label htmlFor="escalation-title">Title</label>
                <input id="escalation-title" className="input" value={draft.title} maxLength={200} required onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="escalation-description">Why the CEO must decide</label>
                <textarea id="escalation-description" className="textarea" rows={4} value={draft.description} maxLength={10_000} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
              </div>
              <div className="field">
                <label htmlFor="escalation-priority">Priority</label>
                <select id="escalation-priority" className="select" value={draft.priority} onChange={(e) => setDraft({ ...draft, priority: e.target.value as EscalationDraft['priority'] })}>
                  <option value="low">Low</option>
                  <option value="medium">Medium</option>
                  <option value="high">High</option>
                  <option value="urgent">Urgent</option>
                </select>
              </div>
              <div>
                <button type="submit" className="btn btn-primary" disabled={submitting}>
                  {submitting ? 'Escalating…' : 'Escalate to CEO'}
                </button>
              </div>
            </form>
          )}
        </>
      )}
    </main>
  );
}
