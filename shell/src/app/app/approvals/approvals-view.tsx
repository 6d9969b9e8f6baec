'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Icon } from '../../../components/icon';
import { useLiveEvent } from '../../../components/live-events';
import { Age, DueIn } from '../../../components/time';
import { applyApprovalEvent, pendingCount, PRIORITY_FILTERS, sortQueue, STATUS_FILTERS, type QueueFilter } from '../../../lib/approvals/queue-rules';
import type { Approval, AuditEntry } from '../../../lib/orchestrator/types';
import { ApprovalDetail, type Viewer } from './approval-detail';
import { isTypingTarget } from './keyboard';

const STATUS_LABEL: Record<string, string> = { pending: 'Pending', decided: 'Decided', approved: 'Approved', rejected: 'Rejected', cancelled: 'Withdrawn', all: 'All' };
const PRIORITY_LABEL: Record<string, string> = { all: 'Any priority', urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low' };

export interface DetailState {
  approval: Approval;
  history: AuditEntry[];
}

interface Props {
  tenantName: string;
  filter: QueueFilter;
  initialItems: Approval[];
  initialCursor: string | null;
  initialSelectedId: string | null;
  initialDetail: DetailState | null;
  viewer: Viewer;
  chatwootUrl: string | null;
  detailError: string | null;
}

/** Replace the `id` parameter without a navigation (selection is client state, but linkable). */
function writeSelection(id: string | null) {
  const url = new URL(window.location.href);
  if (id) url.searchParams.set('id', id);
  else url.searchParams.delete('id');
  window.history.replaceState(window.history.state, '', url);
}

export function ApprovalsView(props: Props) {
  const router = useRouter();
  const [items, setItems] = useState(() => sortQueue(props.initialItems));
  const [cursor, setCursor] = useState(props.initialCursor);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(props.initialSelectedId);
  const [details, setDetails] = useState<Record<string, DetailState>>(() => (props.initialDetail ? { [props.initialDetail.approval.id]: props.initialDetail } : {}));
  const [detailError, setDetailError] = useState<string | null>(props.detailError);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [showHelp, setShowHelp] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const detailRef = useRef<HTMLElement>(null);
  const statusSelect = useRef<HTMLSelectElement>(null);
  const filter = props.filter;

  const selected = selectedId ? (details[selectedId]?.approval ?? items.find((item) => item.id === selectedId) ?? null) : null;

  const loadDetail = useCallback(async (id: string) => {
    setDetailError(null);
    const response = await fetch(`/api/approvals/${encodeURIComponent(id)}`, { cache: 'no-store' });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      setDetailError(body?.error ?? `could not load the approval (${response.status})`);
      return null;
    }
    const detail = (await response.json()) as DetailState;
    setDetails((all) => ({ ...all, [id]: detail }));
    return detail;
  }, []);

  const select = useCallback(
    (id: string | null, focusDetail = false) => {
      setSelectedId(id);
      writeSelection(id);
      if (id && !details[id]) void loadDetail(id);
      if (id && focusDetail) requestAnimationFrame(() => detailRef.current?.querySelector<HTMLElement>('[data-detail-heading]')?.focus());
    },
    [details, loadDetail],
  );

  // Hydrated and listening: the end-to-end suite reads this mark for time-to-interactive.
  useEffect(() => {
    performance.mark('wrrk:approvals-interactive');
  }, []);

  // A deep link to an approval this page has not loaded yet.
  useEffect(() => {
    if (selectedId && !details[selectedId] && !props.detailError) void loadDetail(selectedId);
    // Mount only: later selections load their own detail.
  }, []);

  const markFresh = (id: string) => {
    setFresh((current) => new Set(current).add(id));
    setTimeout(() => setFresh((current) => {
      const next = new Set(current);
      next.delete(id);
      return next;
    }), 2_500);
  };

  const upsert = useCallback(
    (approval: Approval) => {
      setItems((current) => applyApprovalEvent(current, approval, filter));
      setDetails((all) => (all[approval.id] && Date.parse(all[approval.id]!.approval.updatedAt) <= Date.parse(approval.updatedAt) ? { ...all, [approval.id]: { ...all[approval.id]!, approval } } : all));
    },
    [filter],
  );

  useLiveEvent<Approval>('approval.created', (approval) => {
    upsert(approval);
    markFresh(approval.id);
    setAnnouncement(`New escalation: ${approval.title}, ${approval.priority} priority, from ${approval.requestedByName}`);
  });
  useLiveEvent<Approval>('approval.updated', (approval) => {
    upsert(approval);
    markFresh(approval.id);
    if (approval.status !== 'pending') setAnnouncement(`${approval.title} was ${approval.status}${approval.decidedByName ? ` by ${approval.decidedByName}` : ''}`);
  });
  useLiveEvent<AuditEntry>('audit.appended', (entry) => {
    if (entry.resourceType !== 'approval') return;
    setDetails((all) => {
      const detail = all[entry.resourceId];
      if (!detail || detail.history.some((known) => known.id === entry.id)) return all;
      return { ...all, [entry.resourceId]: { ...detail, history: [...detail.history, entry].sort((a, b) => a.seq - b.seq) } };
    });
  });
  useLiveEvent('resync', () => {
    void (async () => {
      const params = new URLSearchParams({ status: filter.status, priority: filter.priority });
      const response = await fetch(`/api/approvals?${params}`, { cache: 'no-store' });
      if (response.ok) {
        const page = (await response.json()) as { items: Approval[]; nextCursor: string | null };
        setItems(sortQueue(page.items));
        setCursor(page.nextCursor);
      }
      if (selectedId) void loadDetail(selectedId);
    })();
  });

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const params = new URLSearchParams({ status: filter.status, priority: filter.priority, cursor });
      const response = await fetch(`/api/approvals?${params}`, { cache: 'no-store' });
      if (response.ok) {
        const page = (await response.json()) as { items: Approval[]; nextCursor: string | null };
        setItems((current) => sortQueue([...current, ...page.items.filter((item) => !current.some((known) => known.id === item.id))]));
        setCursor(page.nextCursor);
      }
    } finally {
      setLoadingMore(false);
    }
  };

  const changeFilter = (next: Partial<QueueFilter>) => {
    const merged = { ...filter, ...next };
    const params = new URLSearchParams();
    if (merged.status !== 'pending') params.set('status', merged.status);
    if (merged.priority !== 'all') params.set('priority', merged.priority);
    if (selectedId) params.set('id', selectedId);
    const query = params.toString();
    router.replace(`/app/approvals${query ? `?${query}` : ''}`, { scroll: false });
  };

  // j/k and arrows move through the queue; Enter opens; / filters; Esc goes back; ? shows help.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTypingTarget(event.target) || document.querySelector('[role="alertdialog"]')) return;
      const index = selectedId ? items.findIndex((item) => item.id === selectedId) : -1;
      const move = (delta: number) => {
        if (!items.length) return;
        const next = items[Math.max(0, Math.min(items.length - 1, index === -1 ? 0 : index + delta))]!;
        select(next.id);
        requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-approval-id="${next.id}"]`)?.focus());
      };
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          move(1);
          break;
        case 'k':
        case 'ArrowUp':
          move(-1);
          break;
        case 'Enter':
          if (selectedId && index !== -1 && document.activeElement?.closest('[data-approval-id]')) select(selectedId, true);
          else return;
          break;
        case '/':
          statusSelect.current?.focus();
          break;
        case 'Escape':
          if (showHelp) setShowHelp(false);
          else if (selectedId) {
            select(null);
            requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>('[data-approval-id]')?.focus());
          } else return;
          break;
        case '?':
          setShowHelp((value) => !value);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selectedId, select, showHelp]);

  const pending = useMemo(() => pendingCount(items), [items]);
  const onDecided = useCallback(
    (approval: Approval) => {
      upsert(approval);
      void loadDetail(approval.id);
    },
    [upsert, loadDetail],
  );

  return (
    <>
      <div className="page-header">
        <div className="page-title">
          <h1>Approvals</h1>
          <p className="page-subtitle">
            {props.tenantName} · {pending} pending{props.viewer.decider ? '' : ' · you can follow your escalations here; the CEO decides'}
          </p>
        </div>
        <div className="toolbar" role="search" aria-label="Filter approvals">
          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" ref={statusSelect} className="select" value={filter.status} onChange={(event) => changeFilter({ status: event.target.value as QueueFilter['status'] })}>
              {STATUS_FILTERS.map((status) => (
                <option key={status} value={status}>
                  {STATUS_LABEL[status]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-priority">Priority</label>
            <select id="filter-priority" className="select" value={filter.priority} onChange={(event) => changeFilter({ priority: event.target.value as QueueFilter['priority'] })}>
              {PRIORITY_FILTERS.map((priority) => (
                <option key={priority} value={priority}>
                  {PRIORITY_LABEL[priority]}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="btn btn-ghost hide-narrow" aria-expanded={showHelp} aria-controls="shortcut-help" onClick={() => setShowHelp((value) => !value)} title="Keyboard shortcuts (?)">
            <Icon name="keyboard" />
            <span className="visually-hidden">Keyboard shortcuts</span>
          </button>
        </div>
      </div>

      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>

      {showHelp ? (
        <div id="shortcut-help" className="notice" data-tone="info">
          <Icon name="keyboard" />
          <div className="stack">
            <div className="notice-title">Keyboard shortcuts</div>
            <div className="row">
              <span><kbd>j</kbd>/<kbd>k</kbd> or arrows: next/previous</span>
              <span><kbd>Enter</kbd>: open</span>
              {props.viewer.decider ? (
                <>
                  <span><kbd>a</kbd>: approve</span>
                  <span><kbd>r</kbd>: reject</span>
                  <span><kbd>c</kbd>: approve and open a consultation</span>
                </>
              ) : null}
              <span><kbd>/</kbd>: filters</span>
              <span><kbd>Esc</kbd>: back to the list</span>
              {props.viewer.decider ? <span><kbd>Ctrl</kbd>+<kbd>Enter</kbd> in the comment: approve</span> : null}
            </div>
          </div>
        </div>
      ) : null}

      <div className="split" data-has-selection={selectedId ? 'true' : 'false'}>
        <section className="card queue" aria-labelledby="queue-heading">
          <h2 id="queue-heading" className="visually-hidden">
            Queue
          </h2>
          {items.length === 0 ? (
            <div className="empty" data-testid="queue-empty">
              <div className="empty-icon">
                <Icon name="check" size="lg" />
              </div>
              <h2>{filter.status === 'pending' ? 'Nothing waiting for a decision' : 'No approvals match'}</h2>
              <p>{filter.status === 'pending' ? 'New escalations appear here the moment an agent raises them.' : 'Try another status or priority.'}</p>
            </div>
          ) : (
            <ul className="queue-list" ref={listRef} aria-label={`${items.length} approvals`} data-testid="queue">
              {items.map((item) => (
                <li key={item.id} className="queue-item">
                  <button
                    type="button"
                    className="queue-row"
                    data-approval-id={item.id}
                    data-status={item.status}
                    data-fresh={fresh.has(item.id) ? 'true' : undefined}
                    aria-current={item.id === selectedId ? 'true' : undefined}
                    onClick={() => select(item.id, false)}
                  >
                    <span className="queue-line">
                      <span className="badge badge-dot" data-tone={item.priority}>
                        {item.priority}
                      </span>
                      <span className="queue-title grow">{item.title}</span>
                      {item.status !== 'pending' ? (
                        <span className="badge" data-tone={item.status}>
                          {item.status}
                        </span>
                      ) : null}
                    </span>
                    <span className="queue-meta">
                      <span>{item.requestedByName}</span>
                      <span className="sep" aria-hidden="true" />
                      <Age iso={item.createdAt} />
                      {item.status === 'pending' ? (
                        <>
                          <span className="sep" aria-hidden="true" />
                          <DueIn dueAt={item.dueAt} createdAt={item.createdAt} pending />
                        </>
                      ) : item.decidedByName ? (
                        <>
                          <span className="sep" aria-hidden="true" />
                          <span>by {item.decidedByName}</span>
                        </>
                      ) : null}
                      {item.source?.system === 'chatwoot' && item.source.conversationId ? (
                        <>
                          <span className="sep" aria-hidden="true" />
                          <span>Chatwoot #{item.source.conversationId}</span>
                        </>
                      ) : null}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {cursor ? (
            <div className="card-body">
              <button type="button" className="btn" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load older decisions'}
              </button>
            </div>
          ) : null}
          <div className="shortcuts" aria-hidden="true">
            <span>
              <kbd>j</kbd>
              <kbd>k</kbd> move
            </span>
            {props.viewer.decider ? (
              <>
                <span>
                  <kbd>a</kbd> approve
                </span>
                <span>
                  <kbd>r</kbd> reject
                </span>
              </>
            ) : null}
            <span>
              <kbd>?</kbd> all shortcuts
            </span>
          </div>
        </section>

        <section className="card detail" ref={detailRef} aria-label="Selected approval" data-testid="approval-detail">
          {selected ? (
            <ApprovalDetail
              key={selected.id}
              approval={selected}
              history={details[selected.id]?.history ?? null}
              viewer={props.viewer}
              chatwootUrl={props.chatwootUrl}
              onBack={() => select(null)}
              onDecided={onDecided}
              onConflict={(id) => void loadDetail(id)}
            />
          ) : detailError ? (
            <div className="card-body">
              <div className="notice" data-tone="warning" role="alert">
                <Icon name="alert" />
                <div>
                  <div className="notice-title">This approval cannot be shown</div>
                  <div>
                    {/not found/i.test(detailError)
                      ? `It does not exist in ${props.tenantName}. If it belongs to another of your workspaces, switch to it with the workspace menu.`
                      : detailError}
                  </div>
                </div>
              </div>
            </div>
          ) : (
            <div className="empty">
              <div className="empty-icon">
                <Icon name="check" size="lg" />
              </div>
              <h2>Select an approval</h2>
              <p>Its details, the decision and the full history appear here.</p>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
