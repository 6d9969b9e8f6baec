import type { Approval } from '../approvals/approval-model.ts';

/**
 * The private notes wrrk leaves on a conversation, as Markdown (Chatwoot renders it in notes).
 * Plain functions of the approval, so the text is fixed when the change happens and a retry
 * days later still says what happened then.
 */
export type NoteKind = 'created' | 'approved' | 'rejected' | 'cancelled' | `escalated-${number}`;

export function approvalLink(shellUrl: string, approvalId: string): string {
  return `${shellUrl.replace(/\/+$/, '')}/app/approvals/${approvalId}`;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const quote = (text: string) =>
  text
    .trim()
    .slice(0, 3000)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

export function noteKindFor(approval: Approval, eventType: 'approval.created' | 'approval.decided' | 'approval.escalated'): NoteKind {
  if (eventType === 'approval.created') return 'created';
  if (eventType === 'approval.escalated') return `escalated-${approval.escalationLevel}`;
  return approval.status === 'pending' ? 'created' : approval.status;
}

export function noteContent(approval: Approval, kind: NoteKind, shellUrl: string): string {
  const link = `[Open in wrrk](${approvalLink(shellUrl, approval.id)})`;
  if (kind === 'created') {
    return [
      `**Escalated to the CEO** by ${approval.requestedByName} · priority **${approval.priority}** · decision due ${when(approval.dueAt)}`,
      `**${approval.title}**`,
      approval.description ? quote(approval.description) : null,
      link,
    ].filter(Boolean).join('\n\n');
  }
  if (kind === 'approved' || kind === 'rejected') {
    return [
      `**CEO decision: ${kind.toUpperCase()}** by ${approval.decidedByName ?? 'the CEO'}`,
      approval.decisionComment ? quote(approval.decisionComment) : null,
      link,
    ].filter(Boolean).join('\n\n');
  }
  if (kind === 'cancelled') {
    return [`**Escalation cancelled** by ${approval.decidedByName ?? approval.requestedByName}`, approval.decisionComment ? quote(approval.decisionComment) : null, link].filter(Boolean).join('\n\n');
  }
  return `**Escalation overdue**: priority raised to **${approval.priority}** (level ${approval.escalationLevel}), decision now due ${when(approval.dueAt)}.\n\n${link}`;
}
