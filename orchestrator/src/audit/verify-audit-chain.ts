import type { Tx } from '../db/database.ts';
import { GENESIS_HASH, hashAuditEntry } from './audit-hash.ts';
import { toAuditEntry, type AuditEntry } from './audit-entry.ts';

export interface ChainBreak {
  seq: number;
  entryId: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap';
  expected: string;
  actual: string;
}

export interface ChainVerification {
  tenantId: string;
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBreak: ChainBreak | null;
  verifiedAt: string;
}

/** Pure check of an ordered run of entries, continuing from a known previous link. */
export function checkChainLinks(entries: AuditEntry[], previous: { seq: number; hash: string }): ChainBreak | null {
  let prev = previous;
  for (const entry of entries) {
    if (entry.seq !== prev.seq + 1) {
      return { seq: entry.seq, entryId: entry.id, reason: 'sequence_gap', expected: String(prev.seq + 1), actual: String(entry.seq) };
    }
    if (entry.prevHash !== prev.hash) {
      return { seq: entry.seq, entryId: entry.id, reason: 'prev_hash_mismatch', expected: prev.hash, actual: entry.prevHash };
    }
    const recomputed = hashAuditEntry(entry.prevHash, entry);
    if (recomputed !== entry.hash) {
      return { seq: entry.seq, entryId: entry.id, reason: 'hash_mismatch', expected: recomputed, actual: entry.hash };
    }
    prev = { seq: entry.seq, hash: entry.hash };
  }
  return null;
}

const BATCH = 1000;

/** Recomputes the tenant's whole chain in batches and reports the first broken link. */
export async function verifyAuditChain(tx: Tx, tenantId: string): Promise<ChainVerification> {
  let previous = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let firstBreak: ChainBreak | null = null;
  for (;;) {
    const rows = await tx
      .selectFrom('audit_logs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', previous.seq)
      .orderBy('seq', 'asc')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    const entries = rows.map(toAuditEntry);
    firstBreak = checkChainLinks(entries, previous);
    if (firstBreak) {
      const intact = entries.findIndex((entry) => entry.seq === firstBreak!.seq);
      checked += intact;
      // The head reported is the last intact link, not the last batch boundary.
      if (intact > 0) previous = { seq: entries[intact - 1]!.seq, hash: entries[intact - 1]!.hash };
      break;
    }
    checked += entries.length;
    const last = entries[entries.length - 1]!;
    previous = { seq: last.seq, hash: last.hash };
  }
  return { tenantId, ok: firstBreak === null, checked, headSeq: previous.seq, headHash: previous.hash, firstBreak, verifiedAt: new Date().toISOString() };
}
