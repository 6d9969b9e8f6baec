'use client';

import Link from 'next/link';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Icon } from '../../../components/icon';
import { useLiveEvent } from '../../../components/live-events';
import { Age } from '../../../components/time';
import { parseConversationReference } from '../../../lib/approvals/source-link';
import { sentence } from '../../../lib/format/text';
import type { Approval, ApprovalSource, Priority } from '../../../lib/orchestrator/types';

export interface EscalationPrefill {
  conversation: string;
  title: string;
  description: string;
  priority: Priority;
}

type Outcome = { tone: 'success'; approval: Approval } | { tone: 'warning' | 'danger'; title: string; text: string; existingId?: string };

const STATUS_TEXT: Record<Approval['status'], string> = { pending: 'waiting', approved: 'approved', rejected: 'rejected', cancelled: 'withdrawn' };

/**
 * "Escalate to CEO" from the inbox: a conversation (link or number), a title, a description and
 * a priority become an approval in the CEO's queue; the agent's own escalations below update
 * live when the CEO decides.
 */
export function EscalationPanel({
  prefill,
  defaultAccountId,
  chatwootUrl,
  userId,
  initialMine,
}: {
  prefill: EscalationPrefill;
  defaultAccountId: number | null;
  chatwootUrl: string | null;
  userId: string;
  initialMine: Approval[];
}) {
  const ids = useId();
  const [conversation, setConversation] = useState(prefill.conversation);
  const [title, setTitle] = useState(prefill.title);
  const [description, setDescription] = useState(prefill.description);
  const [priority, setPriority] = useState<Priority>(prefill.priority);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [titleError, setTitleError] = useState<string | null>(null);
  const [mine, setMine] = useState(initialMine);

  const reference = useMemo(() => (conversation.trim() ? parseConversationReference(conversation) : null), [conversation]);
  const conversationError = conversation.trim() && !reference ? 'Paste a Chatwoot conversation link, or its number (e.g. 42).' : null;

  const track = (approval: Approval) => {
    if (approval.requestedBy !== userId) return;
    setMine((current) => [approval, ...current.filter((item) => item.id !== approval.id)].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt)).slice(0, 20));
  };
  useLiveEvent<Approval>('approval.created', track);
  useLiveEvent<Approval>('approval.updated', track);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    if (!title.trim()) {
      setTitleError('Give the CEO a one-line summary.');
      return;
    }
    if (conversationError) return;
    let source: ApprovalSource | undefined;
    if (reference) {
      const accountId = reference.accountId ?? defaultAccountId ?? undefined;
      const url = reference.url ?? (chatwootUrl && accountId ? `${chatwootUrl}/app/accounts/${accountId}/conversations/${reference.conversationId}` : undefined);
      source = { system: 'chatwoot', conversationId: reference.conversationId, ...(accountId ? { accountId } : {}), ...(url ? { url } : {}) };
    }
    setBusy(true);
    try {
      const response = await fetch('/api/approvals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: title.trim(), description: description.trim(), priority, ...(source ? { source } : {}) }),
      });
      const body = (await response.json().catch(() => null)) as (Approval & { error?: string; details?: { approvalId?: string } }) | null;
      if (response.status === 201 && body) {
        setOutcome({ tone: 'success', approval: body });
        track(body);
        setTitle('');
        setDescription('');
        setConversation('');
        return;
      }
      if (response.status === 409) {
        setOutcome({ tone: 'warning', title: 'Already escalated', text: sentence(body?.error ?? 'this conversation already has a pending escalation'), existingId: body?.details?.approvalId });
        return;
      }
      setOutcome({ tone: 'danger', title: 'Escalation failed', text: sentence(body?.error ?? `the shell answered ${response.status}`) });
    } catch (error) {
      setOutcome({ tone: 'danger', title: 'Escalation failed', text: (error as Error).message || 'the shell could not be reached' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <form className="stack" onSubmit={submit} aria-labelledby={`${ids}-heading`} data-testid="escalation-form">
        <div className="panel-heading">
          <h2 id={`${ids}-heading`}>Escalate to the CEO</h2>
          <p className="muted small">The CEO sees it at once and decides; the conversation gets a private note either way.</p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-conversation`}>Conversation</label>
          <input
            id={`${ids}-conversation`}
            className="input"
            value={conversation}
            onChange={(event) => setConversation(event.target.value)}
            placeholder="Chatwoot link or number"
            aria-invalid={conversationError ? true : undefined}
            aria-describedby={`${ids}-conversation-hint`}
            inputMode="url"
            autoComplete="off"
          />
          <span id={`${ids}-conversation-hint`} className={conversationError ? 'field-error' : 'field-hint'}>
            {conversationError ?? (reference ? `Conversation #${reference.conversationId}${reference.accountId ?? defaultAccountId ? ` in account ${reference.accountId ?? defaultAccountId}` : ''}` : 'Optional: links the decision back to the conversation.')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-title`}>Title</label>
          <input
            id={`${ids}-title`}
            className="input"
            value={title}
            maxLength={200}
            required
            onChange={(event) => {
              setTitle(event.target.value);
              setTitleError(null);
            }}
            placeholder="Refund of €2,400 for a cancelled annual plan"
            aria-invalid={titleError ? true : undefined}
            aria-describedby={titleError ? `${ids}-title-error` : undefined}
          />
          {titleError ? (
            <span className="field-error" id={`${ids}-title-error`}>
              {titleError}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-description`}>What the CEO needs to know</label>
          <textarea id={`${ids}-description`} className="textarea" value={description} maxLength={10_000} onChange={(event) => setDescription(event.target.value)} placeholder="Context, what the customer asks, your recommendation" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-priority`}>Priority</label>
          <select id={`${ids}-priority`} className="select" value={priority} onChange={(event) => setPriority(event.target.value as Priority)}>
            <option value="urgent">Urgent: answer within the hour</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </div>
        {outcome ? (
          outcome.tone === 'success' ? (
            <div className="notice" data-tone="success" role="status" data-testid="escalation-done">
              <Icon name="tick" />
              <div>
                <div className="notice-title">Escalated to the CEO</div>
                <div>
                  “{outcome.approval.title}” is in the queue. <Link href={`/app/approvals?status=all&id=${outcome.approval.id}`}>Follow it</Link>
                </div>
              </div>
            </div>
          ) : (
            <div className="notice" data-tone={outcome.tone} role="alert">
              <Icon name="alert" />
              <div>
                <div className="notice-title">{outcome.title}</div>
                <div>
                  {outcome.text}
                  {outcome.existingId ? (
                    <>
                      {' '}
                      <Link href={`/app/approvals?status=all&id=${outcome.existingId}`}>Open the pending one</Link>
                    </>
                  ) : null}
                </div>
              </div>
            </div>
          )
        ) : null}
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="escalate">
            <Icon name="escalate" /> {busy ? 'Escalating…' : 'Escalate to CEO'}
          </button>
        </div>
      </form>

      <section aria-labelledby={`${ids}-mine`} className="stack">
        <h3 id={`${ids}-mine`}>Your escalations</h3>
        {mine.length === 0 ? (
          <p className="muted small">None yet. Decisions on yours show up here as they happen.</p>
        ) : (
          <ul className="list card" data-testid="my-escalations">
            {mine.map((approval) => (
              <li key={approval.id}>
                <Link className="list-row" href={`/app/approvals?status=all&id=${approval.id}`} data-approval-id={approval.id} data-status={approval.status}>
                  <span className="grow list-text">
                    <strong className="queue-title">{approval.title}</strong>
                    <span className="muted small">
                      <Age iso={approval.createdAt} />
                      {approval.decidedByName ? ` · ${STATUS_TEXT[approval.status]} by ${approval.decidedByName}` : ''}
                      {approval.decisionComment ? `: “${approval.decisionComment}”` : ''}
                    </span>
                  </span>
                  <span className="badge" data-tone={approval.status} data-testid="my-escalation-status">
                    {STATUS_TEXT[approval.status]}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
