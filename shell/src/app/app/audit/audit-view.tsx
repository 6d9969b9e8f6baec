'use client';

import { useMemo, useState } from 'react';
import { Icon } from '../../../components/icon';
import { useLiveEvent } from '../../../components/live-events';
import { Timestamp } from '../../../components/time';
import { auditFilterParams, entryMatches, KNOWN_ACTIONS, type AuditFilter } from '../../../lib/audit/audit-filter';
import { describeEntry } from '../../../lib/audit/describe-entry';
import type { AuditEntry, ChainVerification } from '../../../lib/orchestrator/types';

const RESOURCE_TYPES = ['approval', 'consultation', 'settings', 'tenant', 'session', 'audit', 'outbox'];

interface Props {
  tenantName: string;
  filter: AuditFilter;
  initialEntries: AuditEntry[];
  initialCursor: number | null;
  initialVerification: ChainVerification | null;
  verificationError: string | null;
  me: { id: string; name: string };
}

export function AuditView(props: Props) {
  const [entries, setEntries] = useState(props.initialEntries);
  const [cursor, setCursor] = useState(props.initialCursor);
  const [loading, setLoading] = useState(false);
  const [verification, setVerification] = useState(props.initialVerification);
  const [verifyError, setVerifyError] = useState(props.verificationError);
  const [verifying, setVerifying] = useState(false);
  const [stale, setStale] = useState(false);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const filter = props.filter;
  const query = auditFilterParams(filter).toString();

  // People seen in the trail so far, for the actor filter (plus the current choice and "me").
  const actors = useMemo(() => {
    const map = new Map<string, string>([[props.me.id, `${props.me.name} (you)`]]);
    for (const entry of entries) if (!map.has(entry.actorId)) map.set(entry.actorId, entry.actorName);
    if (filter.actorId && !map.has(filter.actorId)) map.set(filter.actorId, filter.actorId);
    return [...map];
  }, [entries, filter.actorId, props.me]);
  const actions = useMemo(() => [...new Set<string>([...KNOWN_ACTIONS, ...entries.map((entry) => entry.action), ...(filter.action ? [filter.action] : [])])].sort(), [entries, filter.action]);

  useLiveEvent<AuditEntry>('audit.appended', (entry) => {
    if (!entryMatches(entry, filter)) return;
    setEntries((current) => (current.some((known) => known.id === entry.id) ? current : [entry, ...current]));
    setFresh((current) => new Set(current).add(entry.id));
    // The chain grew: what was verified is now one link short.
    setStale(true);
  });

  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      const response = await fetch('/api/audit/verify', { cache: 'no-store' });
      const body = (await response.json()) as ChainVerification & { error?: string };
      if (!response.ok) setVerifyError(body.error ?? `verification failed (${response.status})`);
      else {
        setVerification(body);
        setStale(false);
      }
    } catch (error) {
      setVerifyError((error as Error).message);
    } finally {
      setVerifying(false);
    }
  };

  const loadMore = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const params = new URLSearchParams(query);
      params.set('cursor', String(cursor));
      const response = await fetch(`/api/audit?${params}`, { cache: 'no-store' });
      if (response.ok) {
        const page = (await response.json()) as { items: AuditEntry[]; nextCursor: number | null };
        setEntries((current) => [...current, ...page.items.filter((item) => !current.some((known) => known.id === item.id))]);
        setCursor(page.nextCursor);
      }
    } finally {
      setLoading(false);
    }
  };

  const exportHref = (format: 'csv' | 'ndjson') => `/api/audit/export?${new URLSearchParams([...new URLSearchParams(query), ['format', format]])}`;
  const filtered = query.length > 0;

  return (
    <div className="stack">
      <div className="page-header">
        <div className="page-title">
          <h1>Audit</h1>
          <p className="page-subtitle">{props.tenantName} · every change, who made it and when, in a hash chain anyone can verify</p>
        </div>
        <div className="row">
          <a className="btn" href={exportHref('csv')} download data-testid="export-csv">
            <Icon name="download" /> Export CSV
          </a>
          <a className="btn" href={exportHref('ndjson')} download>
            <Icon name="download" /> NDJSON
          </a>
        </div>
      </div>

      <section className="card" aria-label="Chain verification" data-testid="chain">
        {verification ? (
          <div className="chain">
            <span className="chain-icon" data-ok={verification.ok ? 'true' : 'false'} aria-hidden="true">
              <Icon name={verification.ok ? 'shield' : 'alert'} size="lg" />
            </span>
            <div className="grow">
              <div className="notice-title" data-testid="chain-status">
                {verification.ok ? 'Chain verified: the trail is intact' : 'Chain broken: the trail was altered'}
              </div>
              <div className="muted small">
                {verification.ok
                  ? `${verification.checked} entries recomputed up to #${verification.headSeq}, head ${verification.headHash.slice(0, 12)}…`
                  : verification.firstBreak
                    ? `First break at entry #${verification.firstBreak.seq} (${verification.firstBreak.reason.replace(/_/g, ' ')}). Entries after it cannot be trusted.`
                    : 'The recomputed chain does not match.'}
                {' · '}checked <Timestamp iso={verification.verifiedAt} />
                {stale ? ' · new entries since' : ''}
              </div>
            </div>
            <button type="button" className="btn btn-sm" onClick={() => void verify()} disabled={verifying}>
              <Icon name="refresh" /> {verifying ? 'Verifying…' : 'Verify again'}
            </button>
          </div>
        ) : (
          <div className="chain">
            <span className="chain-icon" data-ok="false" aria-hidden="true">
              <Icon name="alert" size="lg" />
            </span>
            <div className="grow">
              <div className="notice-title">Chain not verified</div>
              <div className="muted small">{verifyError ?? 'No result yet.'}</div>
            </div>
            <button type="button" className="btn btn-sm" onClick={() => void verify()} disabled={verifying}>
              {verifying ? 'Verifying…' : 'Verify'}
            </button>
          </div>
        )}
      </section>

      <form className="card card-body toolbar" method="get" action="/app/audit" role="search" aria-label="Filter the trail">
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <select id="audit-actor" name="actor" className="select" defaultValue={filter.actorId ?? ''}>
            <option value="">Anyone</option>
            {actors.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" className="select" defaultValue={filter.action ?? ''}>
            <option value="">Any action</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-resource">Resource</label>
          <select id="audit-resource" name="resource" className="select" defaultValue={filter.resourceType ?? ''}>
            <option value="">Any resource</option>
            {[...new Set([...RESOURCE_TYPES, ...(filter.resourceType ? [filter.resourceType] : [])])].map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From (UTC)</label>
          <input id="audit-from" name="from" type="date" className="input" defaultValue={filter.from ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To (UTC)</label>
          <input id="audit-to" name="to" type="date" className="input" defaultValue={filter.to ?? ''} />
        </div>
        {filter.resourceId ? <input type="hidden" name="resourceId" value={filter.resourceId} /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary">
            Apply
          </button>
          {filtered ? (
            <a className="btn btn-ghost" href="/app/audit">
              Clear
            </a>
          ) : null}
        </div>
      </form>

      <section className="card" aria-label="Trail">
        {entries.length === 0 ? (
          <div className="empty">
            <div className="empty-icon">
              <Icon name="shield" size="lg" />
            </div>
            <h2>{filtered ? 'No entries match' : 'Nothing recorded yet'}</h2>
            <p>{filtered ? 'Widen the filter or clear it.' : 'Escalations, decisions and settings changes appear here as they happen.'}</p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Action</th>
                  <th scope="col">Resource</th>
                  <th scope="col">#</th>
                  <th scope="col">Hash</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => {
                  const described = describeEntry(entry);
                  return (
                    <tr key={entry.id} data-fresh={fresh.has(entry.id) ? 'true' : undefined} data-action={entry.action}>
                      <td>
                        <Timestamp iso={entry.createdAt} />
                      </td>
                      <td>
                        <div>{described.text}</div>
                        {described.note ? <div className="muted small">“{described.note}”</div> : null}
                      </td>
                      <td>
                        <span className="action-name">{entry.action}</span>
                      </td>
                      <td>
                        {entry.resourceType === 'approval' ? (
                          <a href={`/app/approvals?status=all&id=${encodeURIComponent(entry.resourceId)}`} className="mono">
                            approval/{entry.resourceId.slice(0, 8)}
                          </a>
                        ) : (
                          <span className="mono">
                            {entry.resourceType}/{entry.resourceId.length > 24 ? `${entry.resourceId.slice(0, 24)}…` : entry.resourceId}
                          </span>
                        )}
                      </td>
                      <td className="mono">{entry.seq}</td>
                      <td>
                        <span className="hash" title={`hash ${entry.hash}\nprevious ${entry.prevHash}`}>
                          {entry.hash.slice(0, 10)}…
                        </span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {cursor ? (
          <div className="card-body">
            <button type="button" className="btn" onClick={() => void loadMore()} disabled={loading}>
              {loading ? 'Loading…' : 'Load older entries'}
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
