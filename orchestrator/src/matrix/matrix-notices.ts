import type { Approval } from '../approvals/approval-model.ts';
import type { DomainEvent } from '../integrations/domain-events.ts';
import type { MatrixNoticeKind } from './matrix-tables.ts';

/**
 * What the bot says in a tenant's room, as pure functions of the domain events: a plain-text
 * body (what every client shows) and the same as HTML (`org.matrix.custom.html`). Everything a
 * person typed is escaped. The `org.wrrk.*` keys let tools find the approval behind a notice.
 */
export interface NoticeDraft {
  kind: MatrixNoticeKind;
  approvalId: string | null;
  consultationId: string | null;
  body: string;
  html: string;
  /** Post into the thread of the approval's first notice, so one escalation is one thread. */
  threadOnApproval: boolean;
}

export const APPROVE_REACTIONS = ['✅', '✔️', '👍'];
export const REJECT_REACTIONS = ['❌', '✖️', '👎'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function excerpt(text: string, max = 500): string {
  const clean = text.trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const approvalLink = (shellUrl: string, approval: Approval) => `${shellUrl}/app/approvals/${approval.id}`;

const DECIDED: Record<Exclude<Approval['status'], 'pending'>, { icon: string; verb: string }> = {
  approved: { icon: '✅', verb: 'Approved' },
  rejected: { icon: '❌', verb: 'Rejected' },
  cancelled: { icon: '↩️', verb: 'Cancelled' },
};

export function noticeFor(event: DomainEvent, shellUrl: string): NoticeDraft | null {
  switch (event.type) {
    case 'approval.created': {
      const a = event.approval;
      const link = approvalLink(shellUrl, a);
      const description = excerpt(a.description);
      const how = 'CEO: reply to this message with !approve [comment] or !reject <reason>, or react with ✅.';
      return {
        kind: 'approval.created',
        approvalId: a.id,
        consultationId: null,
        threadOnApproval: false,
        body: [`🔔 Escalation (${a.priority}): ${a.title}`, `Requested by ${a.requestedByName}; due ${when(a.dueAt)}.`, description, link, how].filter(Boolean).join('\n'),
        html: [
          `🔔 <strong>Escalation (${escapeHtml(a.priority)})</strong>: <a href="${escapeHtml(link)}">${escapeHtml(a.title)}</a>`,
          `Requested by ${escapeHtml(a.requestedByName)}; due ${escapeHtml(when(a.dueAt))}.`,
          description ? `<blockquote>${escapeHtml(description).replace(/\n/g, '<br>')}</blockquote>` : '',
          `<em>CEO: reply to this message with <code>!approve [comment]</code> or <code>!reject &lt;reason&gt;</code>, or react with ✅.</em>`,
        ].filter(Boolean).join('<br>'),
      };
    }
    case 'approval.escalated': {
      const a = event.approval;
      const text = `⏰ Overdue: ${a.title} is now ${a.priority} (escalation level ${a.escalationLevel}); next due ${when(a.dueAt)}.`;
      return {
        kind: 'approval.escalated',
        approvalId: a.id,
        consultationId: null,
        threadOnApproval: true,
        body: text,
        html: `⏰ <strong>Overdue</strong>: ${escapeHtml(a.title)} is now <strong>${escapeHtml(a.priority)}</strong> (escalation level ${a.escalationLevel}); next due ${escapeHtml(when(a.dueAt))}.`,
      };
    }
    case 'approval.decided': {
      const a = event.approval;
      if (a.status === 'pending') return null;
      const { icon, verb } = DECIDED[a.status];
      const by = a.decidedByName ?? 'someone';
      const comment = a.decisionComment ? excerpt(a.decisionComment) : '';
      return {
        kind: 'approval.decided',
        approvalId: a.id,
        consultationId: null,
        threadOnApproval: true,
        body: `${icon} ${verb} by ${by}: ${a.title}${comment ? `\n“${comment}”` : ''}`,
        html: `${icon} <strong>${verb}</strong> by ${escapeHtml(by)}: ${escapeHtml(a.title)}${comment ? `<br><blockquote>${escapeHtml(comment)}</blockquote>` : ''}`,
      };
    }
    case 'consultation.opened': {
      const c = event.consultation;
      return {
        kind: 'consultation.opened',
        approvalId: c.approvalId,
        consultationId: c.id,
        threadOnApproval: c.approvalId !== null,
        body: `📹 Consultation opened: ${c.title} (host ${c.hostName}). Join: ${c.joinUrl}`,
        html: `📹 <strong>Consultation opened</strong>: ${escapeHtml(c.title)} (host ${escapeHtml(c.hostName)}). <a href="${escapeHtml(c.joinUrl)}">Join the consultation</a>`,
      };
    }
    default:
      return null;
  }
}

export function replyText(message: string): { body: string; html: string } {
  return { body: message, html: escapeHtml(message).replace(/\n/g, '<br>') };
}
