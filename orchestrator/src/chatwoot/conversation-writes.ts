import { expectOk, type ChatwootApplicationClient } from '@wrrk/chatwoot/client.ts';
import type { ApprovalStatus } from '../db/schema.ts';
import { MANAGED_LABELS, MARKER_KEY, markerOf, STATUS_LABELS } from './own-writes.ts';

/**
 * Idempotent writes to a Chatwoot conversation. Chatwoot has no idempotency keys and replaces
 * labels and custom attributes wholesale, so every write here reads first: a note is posted
 * only if no message carries its marker yet, and labels / attributes are merged with what the
 * conversation has now, keeping everything agents set.
 */

const PAGE = 20; // Chatwoot's message page size (app/finders/message_finder.rb)
const MAX_PAGES = 10;
const CLOCK_SKEW_SECONDS = 300;

export interface ConversationRef {
  accountId: number;
  conversationId: number;
}

/** Looks back through the conversation (newest first) for a message carrying the marker. */
export async function findMarkedMessage(client: ChatwootApplicationClient, ref: ConversationRef, marker: string, since: Date): Promise<number | null> {
  let before: number | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const data = expectOk(
      await client.GET('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
        params: { path: { account_id: ref.accountId, conversation_id: ref.conversationId }, query: before === undefined ? {} : { before } },
      }),
      'list messages',
    );
    const messages = data.payload ?? [];
    const hit = messages.find((m) => markerOf(m.content_attributes as Record<string, unknown> | undefined) === marker);
    if (hit?.id !== undefined) return hit.id;
    const oldest = messages.reduce<(typeof messages)[number] | undefined>((min, m) => (min === undefined || (m.id ?? 0) < (min.id ?? 0) ? m : min), undefined);
    // Stop once the page reaches back before the note could have been written.
    if (messages.length < PAGE || !oldest?.id || (oldest.created_at ?? 0) < since.getTime() / 1000 - CLOCK_SKEW_SECONDS) return null;
    before = oldest.id;
  }
  return null;
}

export async function postNoteOnce(
  client: ChatwootApplicationClient,
  ref: ConversationRef,
  note: { content: string; marker: string; approvalId: string; kind: string },
  options: { mayExist: boolean; since: Date },
): Promise<{ messageId: number | null; alreadyPosted: boolean }> {
  // `mayExist: false` skips the look-up when the caller knows no earlier attempt was made.
  if (options.mayExist) {
    const existing = await findMarkedMessage(client, ref, note.marker, options.since);
    if (existing !== null) return { messageId: existing, alreadyPosted: true };
  }
  const created = expectOk(
    await client.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
      params: { path: { account_id: ref.accountId, conversation_id: ref.conversationId } },
      body: {
        content: note.content,
        message_type: 'outgoing',
        private: true,
        content_type: 'text',
        content_attributes: { [MARKER_KEY]: { marker: note.marker, approvalId: note.approvalId, kind: note.kind } },
      },
    }),
    'post private note',
  );
  return { messageId: created?.id ?? null, alreadyPosted: false };
}

/** Status label for the approval, the other wrrk labels and the consumed trigger removed, agents' labels kept. */
export function mergeStatusLabels(current: readonly string[], status: ApprovalStatus, triggerLabel: string | null): string[] {
  const kept = current.filter((label) => !MANAGED_LABELS.has(label) && label !== triggerLabel);
  return [...new Set([...kept, STATUS_LABELS[status]])];
}

export function mergeAttributes(current: Record<string, unknown>, ours: Record<string, unknown>): Record<string, unknown> {
  return { ...current, ...ours };
}

const sameLabels = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
const sameAttributes = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
};

export async function syncApprovalState(
  client: ChatwootApplicationClient,
  ref: ConversationRef,
  desired: { status: ApprovalStatus; attributes: Record<string, unknown>; triggerLabel: string | null },
): Promise<{ labelsChanged: boolean; attributesChanged: boolean }> {
  const path = { account_id: ref.accountId, conversation_id: ref.conversationId };
  const conversation = expectOk(await client.GET('/api/v1/accounts/{account_id}/conversations/{conversation_id}', { params: { path } }), 'read conversation');
  const labels = conversation.labels ?? [];
  const attributes = (conversation.custom_attributes ?? {}) as Record<string, unknown>;

  const nextLabels = mergeStatusLabels(labels, desired.status, desired.triggerLabel);
  const labelsChanged = !sameLabels(labels, nextLabels);
  if (labelsChanged) {
    expectOk(await client.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/labels', { params: { path }, body: { labels: nextLabels } }), 'write labels');
  }
  const nextAttributes = mergeAttributes(attributes, desired.attributes);
  const attributesChanged = !sameAttributes(attributes, nextAttributes);
  if (attributesChanged) {
    expectOk(
      await client.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/custom_attributes', { params: { path }, body: { custom_attributes: nextAttributes } }),
      'write custom attributes',
    );
  }
  return { labelsChanged, attributesChanged };
}
