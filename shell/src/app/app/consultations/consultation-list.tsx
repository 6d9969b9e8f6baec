'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Icon } from '../../../components/icon';
import { useLiveEvent } from '../../../components/live-events';
import { Age } from '../../../components/time';
import type { Consultation } from '../../../lib/orchestrator/types';

const STATUS_TONE: Record<Consultation['status'], string> = { scheduled: 'info', active: 'success', ended: 'neutral' };
const STATUS_TEXT: Record<Consultation['status'], string> = { scheduled: 'scheduled', active: 'live now', ended: 'ended' };

export function upsertConsultation(items: readonly Consultation[], next: Consultation): Consultation[] {
  const rest = items.filter((item) => item.id !== next.id);
  return [next, ...rest].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function ConsultationList({ tenantName, initialItems, jitsiConfigured }: { tenantName: string; initialItems: Consultation[]; jitsiConfigured: boolean }) {
  const router = useRouter();
  const [items, setItems] = useState(initialItems);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useLiveEvent<Consultation>('consultation.updated', (consultation) => setItems((current) => upsertConsultation(current, consultation)));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/consultations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: title.trim() }) });
      const body = (await response.json().catch(() => null)) as (Consultation & { error?: string }) | null;
      if (!response.ok || !body) {
        setError(body?.error ?? `the shell answered ${response.status}`);
        return;
      }
      router.push(`/app/consultations/${body.id}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="page-header">
        <div className="page-title">
          <h1>Consultations</h1>
          <p className="page-subtitle">{tenantName} · video rooms for decisions that need a conversation</p>
        </div>
        <form className="toolbar" onSubmit={create} aria-label="Open a consultation">
          <div className="field">
            <label htmlFor="new-consultation">New consultation</label>
            <input id="new-consultation" className="input" value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} placeholder="Topic" />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy || !title.trim()}>
            <Icon name="plus" /> {busy ? 'Opening…' : 'Open'}
          </button>
        </form>
      </div>
      {error ? (
        <div className="notice" data-tone="danger" role="alert">
          <Icon name="alert" />
          <div>{error}</div>
        </div>
      ) : null}
      {!jitsiConfigured ? (
        <div className="notice" data-tone="warning" data-testid="not-connected">
          <Icon name="plug" />
          <div>
            <div className="notice-title">Video is not connected: set JITSI_URL</div>
            <div>Consultations are recorded, but joining needs Jitsi. Set <code>JITSI_URL</code> (and the orchestrator&apos;s <code>JITSI_APP_ID</code>/<code>JITSI_APP_SECRET</code>).</div>
          </div>
        </div>
      ) : null}
      <section className="card" aria-label="Consultations">
        {items.length === 0 ? (
          <div className="empty">
            <div className="empty-icon">
              <Icon name="video" size="lg" />
            </div>
            <h2>No consultations yet</h2>
            <p>The CEO opens one with “Approve &amp; open consultation”, or start one here.</p>
          </div>
        ) : (
          <ul className="list" data-testid="consultations">
            {items.map((item) => (
              <li key={item.id}>
                <Link className="list-row" href={`/app/consultations/${item.id}`}>
                  <span className="tenant-kind" aria-hidden="true">
                    <Icon name="video" />
                  </span>
                  <span className="grow list-text">
                    <strong className="queue-title">{item.title}</strong>
                    <span className="muted small">
                      Host {item.hostName} · opened <Age iso={item.createdAt} />
                      {item.participants.length ? ` · ${item.participants.length} joined` : ''}
                    </span>
                  </span>
                  <span className="badge badge-dot" data-tone={STATUS_TONE[item.status]}>
                    {STATUS_TEXT[item.status]}
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
