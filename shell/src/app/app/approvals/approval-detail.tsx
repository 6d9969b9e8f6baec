'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../../components/icon';
import { Age, DueIn, Timestamp } from '../../../components/time';
import { useToast } from '../../../components/toasts';
import { sourceLink } from '../../../lib/approvals/source-link';
import { describeEntry } from '../../../lib/audit/describe-entry';
import { sentence } from '../../../lib/format/text';
import type { Approval, AuditEntry, Consultation } from '../../../lib/orchestrator/types';
import { canCancel, canDecide } from '../../../lib/session/principal-rules';
import { isTypingTarget } from './keyboard';

export interface Viewer {
  id: string;
  roles: ReadonlyArray<'agent' | 'manager' | 'ceo' | 'admin'>;
  decider: boolean;
}

type Action = 'approved' | 'rejected' | 'cancelled' | 'approve-consult';
interface Problem {
  tone: 'danger' | 'warning';
  title: string;
  text: string;
}

const ACTION_LABEL: Record<Action, string> = { approved: 'Approve', rejected: 'Reject', cancelled: 'Withdraw', 'approve-consult': 'Approve and open a consultation' };

export function ApprovalDetail({
  approval,
  history,
  viewer,
  chatwootUrl,
  onBack,
  onDecided,
  onConflict,
}: {
  approval: Approval;
  history: AuditEntry[] | null;
  viewer: Viewer;
  chatwootUrl: string | null;
  onBack: () => void;
  onDecided: (approval: Approval) => void;
  onConflict: (id: string) => void;
}) {
  const router = useRouter();
  const toast = useToast();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Action | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [commentError, setCommentError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Action | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const mayDecide = canDecide(viewer, approval);
  const mayCancel = canCancel(viewer, approval);
  const source = sourceLink(approval.source, chatwootUrl);

  const submit = async (action: Action) => {
    setConfirming(null);
    setProblem(null);
    setCommentError(null);
    const status = action === 'approve-consult' ? 'approved' : action;
    if (status === 'rejected' && !comment.trim()) {
      setCommentError('Say why: a rejection needs a comment for the requester.');
      commentRef.current?.focus();
      return;
    }
    setBusy(action);
    try {
      const response = await fetch(`/api/approvals/${encodeURIComponent(approval.id)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status, ...(comment.trim() ? { comment: comment.trim() } : {}), ...(action === 'approve-consult' ? { openConsultation: true } : {}) }),
      });
      const body = (await response.json().catch(() => null)) as { approval?: Approval; consultation?: Consultation | null; consultationError?: string; error?: string; details?: unknown } | null;
      if (response.status === 409) {
        setProblem({ tone: 'warning', title: 'Already decided elsewhere', text: `${sentence(body?.error ?? 'this approval is no longer pending')}. Your decision was not applied; the current state is shown below.` });
        onConflict(approval.id);
        return;
      }
      if (response.status === 401) {
        window.location.assign(`/signin?error=SessionExpired&callbackUrl=${encodeURIComponent(`${window.location.pathname}${window.location.search}`)}`);
        return;
      }
      if (!response.ok || !body?.approval) {
        const details = Array.isArray(body?.details) ? (body.details as Array<{ path?: string; message?: string }>) : [];
        const commentIssue = details.find((issue) => issue.path === 'comment');
        if (commentIssue) setCommentError(commentIssue.message ?? 'invalid comment');
        setProblem({ tone: 'danger', title: `${ACTION_LABEL[action]} failed`, text: sentence(body?.error ?? `the shell answered ${response.status}`) });
        return;
      }
      setComment('');
      onDecided(body.approval);
      const verb = status === 'approved' ? 'Approved' : status === 'rejected' ? 'Rejected' : 'Withdrawn';
      // Say only what is true: a Chatwoot note goes out for conversations escalated from Chatwoot.
      const where = approval.source?.system === 'chatwoot' ? 'in the Chatwoot conversation and in their escalations' : 'in their escalations';
      toast({ tone: 'success', title: `${verb}: ${approval.title}`, text: `${approval.requestedByName} sees the decision ${where}.` });
      if (action === 'approve-consult') {
        if (body.consultation) router.push(`/app/consultations/${body.consultation.id}`);
        else toast({ tone: 'warning', title: 'Approved, but no consultation', text: body.consultationError ?? 'the consultation could not be opened' });
      }
    } catch (error) {
      setProblem({ tone: 'danger', title: `${ACTION_LABEL[action]} failed`, text: (error as Error).message || 'the shell could not be reached' });
    } finally {
      setBusy(null);
    }
  };

  // a / r / c: approve (confirm), reject (comment first), approve and consult (confirm).
  useEffect(() => {
    if (!mayDecide) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTypingTarget(event.target) || busy || confirming) return;
      if (event.key === 'a') setConfirming('approved');
      else if (event.key === 'c') setConfirming('approve-consult');
      else if (event.key === 'r') {
        commentRef.current?.focus();
        if (!comment.trim()) setCommentError('Write why, then press Reject (or Ctrl+Enter then choose Reject).');
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <article aria-labelledby={`approval-title-${approval.id}`} data-approval={approval.id} data-status={approval.status}>
      <header className="detail-header">
        <button type="button" className="btn btn-ghost btn-sm back-link" onClick={onBack}>
          <Icon name="arrowLeft" /> Queue
        </button>
        <div className="row">
          <span className="badge badge-dot" data-tone={approval.priority}>
            {approval.priority}
          </span>
          <span className="badge" data-tone={approval.status} data-testid="detail-status">
            {approval.status === 'cancelled' ? 'withdrawn' : approval.status}
          </span>
          {approval.escalationLevel > 0 ? (
            <span className="badge" data-tone="warning" title="Raised automatically after the SLA passed">
              escalated ×{approval.escalationLevel}
            </span>
          ) : null}
        </div>
        <h2 id={`approval-title-${approval.id}`} className="detail-title" tabIndex={-1} data-detail-heading>
          {approval.title}
        </h2>
        <p className="muted small">
          Raised by {approval.requestedByName} <Age iso={approval.createdAt} />
        </p>
      </header>

      <dl className="facts">
        <div className="fact">
          <dt>Requester</dt>
          <dd>{approval.requestedByName}</dd>
        </div>
        <div className="fact">
          <dt>{approval.status === 'pending' ? 'Time left (SLA)' : 'Due'}</dt>
          <dd>{approval.status === 'pending' ? <DueIn dueAt={approval.dueAt} createdAt={approval.createdAt} pending /> : <Timestamp iso={approval.dueAt} />}</dd>
        </div>
        <div className="fact">
          <dt>Raised</dt>
          <dd>
            <Timestamp iso={approval.createdAt} />
          </dd>
        </div>
        <div className="fact">
          <dt>Source</dt>
          <dd>
            {source?.href ? (
              <a href={source.href} target="_blank" rel="noopener noreferrer" data-testid="source-link">
                {source.label} <Icon name="external" />
              </a>
            ) : (
              (source?.label ?? 'Raised in the shell')
            )}
          </dd>
        </div>
      </dl>

      {approval.description ? <div className="description">{approval.description}</div> : null}

      {problem ? (
        <div className="card-body">
          <div className="notice" data-tone={problem.tone} role="alert" data-testid="decision-problem">
            <Icon name="alert" />
            <div>
              <div className="notice-title">{problem.title}</div>
              <div>{problem.text}</div>
            </div>
          </div>
        </div>
      ) : null}

      {mayDecide ? (
        <form
          className="decision"
          aria-label="Decision"
          onSubmit={(event) => {
            event.preventDefault();
            void submit('approved');
          }}
        >
          <div className="field">
            <label htmlFor={`comment-${approval.id}`}>Comment {commentError ? '' : <span className="muted">(required to reject)</span>}</label>
            <textarea
              id={`comment-${approval.id}`}
              ref={commentRef}
              className="textarea"
              value={comment}
              maxLength={2000}
              aria-invalid={commentError ? true : undefined}
              aria-describedby={commentError ? `comment-error-${approval.id}` : undefined}
              placeholder="What the requester and the customer should know"
              onChange={(event) => {
                setComment(event.target.value);
                if (commentError) setCommentError(null);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault();
                  void submit('approved');
                }
              }}
            />
            {commentError ? (
              <span className="field-error" id={`comment-error-${approval.id}`}>
                {commentError}
              </span>
            ) : null}
          </div>
          <div className="decision-actions">
            <button type="submit" className="btn btn-success" disabled={busy !== null} data-testid="approve">
              <Icon name="tick" /> {busy === 'approved' ? 'Approving…' : 'Approve'} <kbd aria-hidden="true">A</kbd>
            </button>
            <button type="button" className="btn btn-danger" disabled={busy !== null} onClick={() => void submit('rejected')} data-testid="reject">
              <Icon name="x" /> {busy === 'rejected' ? 'Rejecting…' : 'Reject'} <kbd aria-hidden="true">R</kbd>
            </button>
            <button type="button" className="btn" disabled={busy !== null} onClick={() => void submit('approve-consult')} data-testid="approve-consult">
              <Icon name="video" /> {busy === 'approve-consult' ? 'Opening…' : 'Approve & open consultation'} <kbd aria-hidden="true">C</kbd>
            </button>
          </div>
        </form>
      ) : approval.status === 'pending' ? (
        <div className="decided">
          <p className="muted">
            {approval.requestedBy === viewer.id
              ? 'Waiting for the CEO. You will see the decision here the moment it is taken.'
              : viewer.decider
                ? 'You raised this yourself, so someone else decides it (four-eyes rule).'
                : 'Waiting for a decision by the CEO.'}
          </p>
          {mayCancel ? (
            <div>
              <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => void submit('cancelled')}>
                {busy === 'cancelled' ? 'Withdrawing…' : 'Withdraw request'}
              </button>
            </div>
          ) : null}
        </div>
      ) : (
        <div className="decided" data-testid="decision-summary">
          <p>
            <strong>{approval.status === 'approved' ? 'Approved' : approval.status === 'rejected' ? 'Rejected' : 'Withdrawn'}</strong>
            {approval.decidedByName ? ` by ${approval.decidedByName}` : ''}
            {approval.decidedAt ? (
              <>
                {' '}
                · <Timestamp iso={approval.decidedAt} />
              </>
            ) : null}
          </p>
          {approval.decisionComment ? <blockquote>{approval.decisionComment}</blockquote> : null}
        </div>
      )}

      <section className="history" aria-labelledby={`history-${approval.id}`}>
        <h3 id={`history-${approval.id}`}>History</h3>
        {history === null ? (
          <p className="muted small">Loading the audit trail…</p>
        ) : history.length === 0 ? (
          <p className="muted small">No entries yet.</p>
        ) : (
          <ol className="timeline" data-testid="approval-history">
            {history.map((entry) => {
              const described = describeEntry(entry);
              return (
                <li key={entry.id} className="timeline-item" data-action={entry.action}>
                  <span className="timeline-marker" data-tone={described.tone} aria-hidden="true">
                    <Icon name={described.tone === 'success' ? 'tick' : described.tone === 'danger' ? 'x' : described.tone === 'warning' ? 'alert' : 'clock'} />
                  </span>
                  <div className="timeline-body">
                    <span className="what">{described.text}</span>
                    <span className="when">
                      <Timestamp iso={entry.createdAt} /> · entry #{entry.seq}
                    </span>
                    {described.note ? <span className="note">“{described.note}”</span> : null}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {confirming ? (
        <div className="dialog-backdrop" role="presentation" onClick={() => setConfirming(null)}>
          <div
            className="card dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-text"
            onClick={(event) => event.stopPropagation()}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                setConfirming(null);
              }
            }}
          >
            <h2 id="confirm-title">{ACTION_LABEL[confirming]}?</h2>
            <p id="confirm-text" className="muted">
              “{approval.title}” from {approval.requestedByName}
              {comment.trim() ? ` with your comment.` : ', without a comment.'}
            </p>
            <div className="row">
              <button type="button" className="btn btn-success" autoFocus onClick={() => void submit(confirming)}>
                {ACTION_LABEL[confirming]} <kbd aria-hidden="true">Enter</kbd>
              </button>
              <button type="button" className="btn" onClick={() => setConfirming(null)}>
                Cancel <kbd aria-hidden="true">Esc</kbd>
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </article>
  );
}
