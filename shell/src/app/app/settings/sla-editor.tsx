'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Icon } from '../../../components/icon';
import type { SlaMinutes } from '../../../lib/orchestrator/types';

const ORDER = ['urgent', 'high', 'medium', 'low'] as const;

/** Admins edit the SLA in hours (stored in minutes); the orchestrator validates and audits. */
export function SlaEditor({ initial }: { initial: SlaMinutes }) {
  const router = useRouter();
  const [hours, setHours] = useState(() => Object.fromEntries(ORDER.map((p) => [p, String(+(initial[p] / 60).toFixed(2))])) as Record<(typeof ORDER)[number], string>);
  const [state, setState] = useState<{ tone: 'success' | 'danger'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setState(null);
    const slaMinutes = Object.fromEntries(ORDER.map((p) => [p, Math.round(Number(hours[p]) * 60)]));
    try {
      const response = await fetch('/api/settings', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ slaMinutes }) });
      const body = (await response.json().catch(() => null)) as { error?: string; details?: Array<{ message?: string }> } | null;
      if (!response.ok) setState({ tone: 'danger', text: [body?.error, ...(body?.details ?? []).map((d) => d.message)].filter(Boolean).join(': ') || `failed (${response.status})` });
      else {
        setState({ tone: 'success', text: 'Saved. New escalations follow these times.' });
        router.refresh();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={save} aria-label="Service levels">
      <div className="grid-2">
        {ORDER.map((priority) => (
          <div className="field" key={priority}>
            <label htmlFor={`sla-${priority}`}>{priority} (hours)</label>
            <input id={`sla-${priority}`} className="input" type="number" min={0.1} step={0.25} value={hours[priority]} onChange={(event) => setHours((all) => ({ ...all, [priority]: event.target.value }))} />
          </div>
        ))}
      </div>
      {state ? (
        <div className="notice" data-tone={state.tone} role={state.tone === 'danger' ? 'alert' : 'status'}>
          <Icon name={state.tone === 'success' ? 'tick' : 'alert'} />
          <div>{state.text}</div>
        </div>
      ) : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save service levels'}
        </button>
      </div>
    </form>
  );
}
