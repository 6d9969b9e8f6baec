'use client';

import { useEffect, useRef, useState } from 'react';
import { Icon } from '../../../../components/icon';
import { useLiveEvent } from '../../../../components/live-events';
import { Age, Timestamp } from '../../../../components/time';
import type { Consultation, JitsiJoinToken } from '../../../../lib/orchestrator/types';

/** The bits of Jitsi's IFrame API (external_api.js) the shell uses. */
interface JitsiApi {
  addListener(event: string, listener: (payload: unknown) => void): void;
  executeCommand(command: string, ...args: unknown[]): void;
  dispose(): void;
}
type JitsiConstructor = new (domain: string, options: Record<string, unknown>) => JitsiApi;

let scriptPromise: Promise<JitsiConstructor> | null = null;

/** Loads `${JITSI_URL}/external_api.js` once (the CSP allows that origin and scripts the shell inserts). */
function loadJitsiApi(jitsiUrl: string): Promise<JitsiConstructor> {
  const existing = (window as unknown as { JitsiMeetExternalAPI?: JitsiConstructor }).JitsiMeetExternalAPI;
  if (existing) return Promise.resolve(existing);
  scriptPromise ??= new Promise<JitsiConstructor>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${jitsiUrl}/external_api.js`;
    script.async = true;
    script.onload = () => {
      const api = (window as unknown as { JitsiMeetExternalAPI?: JitsiConstructor }).JitsiMeetExternalAPI;
      if (api) resolve(api);
      else reject(new Error('external_api.js loaded but did not define JitsiMeetExternalAPI'));
    };
    script.onerror = () => {
      scriptPromise = null;
      reject(new Error(`could not load ${jitsiUrl}/external_api.js`));
    };
    document.head.appendChild(script);
  });
  return scriptPromise;
}

const STATUS_TEXT: Record<Consultation['status'], string> = { scheduled: 'Scheduled', active: 'Live now', ended: 'Ended' };
const STATUS_TONE: Record<Consultation['status'], string> = { scheduled: 'info', active: 'success', ended: 'neutral' };

export function ConsultationRoom({
  initial,
  jitsiUrl,
  viewer,
}: {
  initial: Consultation;
  jitsiUrl: string | null;
  viewer: { id: string; name: string; email: string | null; manager: boolean };
}) {
  const [consultation, setConsultation] = useState(initial);
  const [phase, setPhase] = useState<'idle' | 'joining' | 'in-call' | 'left'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'start' | 'end' | null>(null);
  const stage = useRef<HTMLDivElement>(null);
  const api = useRef<JitsiApi | null>(null);
  const mayManage = viewer.id === consultation.hostId || viewer.manager;
  const statusRef = useRef(consultation.status);
  statusRef.current = consultation.status;

  useLiveEvent<Consultation>('consultation.updated', (next) => {
    if (next.id === consultation.id && Date.parse(next.updatedAt) >= Date.parse(consultation.updatedAt)) setConsultation(next);
  });

  useEffect(() => () => api.current?.dispose(), []);

  const join = async () => {
    if (!jitsiUrl || !stage.current) return;
    setError(null);
    setPhase('joining');
    try {
      const response = await fetch(`/api/consultations/${encodeURIComponent(consultation.id)}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await response.json().catch(() => null)) as (JitsiJoinToken & { error?: string }) | null;
      if (!response.ok || !body?.jwt) throw new Error(body?.error ?? `no meeting token (${response.status})`);
      const JitsiMeetExternalAPI = await loadJitsiApi(jitsiUrl);
      api.current?.dispose();
      const instance = new JitsiMeetExternalAPI(new URL(jitsiUrl).host, {
        roomName: body.roomName,
        jwt: body.jwt,
        parentNode: stage.current,
        width: '100%',
        height: '100%',
        userInfo: { displayName: viewer.name, ...(viewer.email ? { email: viewer.email } : {}) },
        configOverwrite: { prejoinConfig: { enabled: false }, disableDeepLinking: true },
      });
      instance.addListener('videoConferenceJoined', () => {
        setPhase('in-call');
        // The host (or a manager) arriving starts it for everyone, unless Jitsi's own events
        // (event_sync) already did: then the orchestrator answers 409 and nothing changes.
        if (mayManage && statusRef.current === 'scheduled') void change('start', true);
      });
      instance.addListener('readyToClose', () => {
        instance.dispose();
        api.current = null;
        setPhase('left');
      });
      instance.addListener('errorOccurred', (payload) => {
        const detail = payload as { message?: string; isFatal?: boolean };
        if (detail.isFatal) setError(detail.message ?? 'the meeting failed');
      });
      api.current = instance;
      setPhase('in-call');
    } catch (failure) {
      setError((failure as Error).message);
      setPhase('idle');
    }
  };

  const change = async (action: 'start' | 'end', quiet = false) => {
    setBusy(action);
    setError(null);
    try {
      const response = await fetch(`/api/consultations/${encodeURIComponent(consultation.id)}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await response.json().catch(() => null)) as (Consultation & { error?: string }) | null;
      if (quiet && response.status === 409) return;
      if (!response.ok || !body) throw new Error(body?.error ?? `the shell answered ${response.status}`);
      setConsultation(body);
      if (action === 'end') {
        api.current?.executeCommand('hangup');
      }
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="stack" data-testid="consultation" data-status={consultation.status}>
      <div className="page-header">
        <div className="page-title">
          <div className="row">
            <span className="badge badge-dot" data-tone={STATUS_TONE[consultation.status]} data-testid="consultation-status">
              {STATUS_TEXT[consultation.status]}
            </span>
          </div>
          <h1>{consultation.title}</h1>
          <p className="page-subtitle">
            Host {consultation.hostName} · opened <Age iso={consultation.createdAt} />
            {consultation.approvalId ? (
              <>
                {' · '}
                <a href={`/app/approvals?status=all&id=${consultation.approvalId}`}>the decision it belongs to</a>
              </>
            ) : null}
          </p>
        </div>
        <div className="row">
          {mayManage && consultation.status === 'scheduled' ? (
            <button type="button" className="btn" onClick={() => void change('start')} disabled={busy !== null}>
              {busy === 'start' ? 'Starting…' : 'Mark as started'}
            </button>
          ) : null}
          {mayManage && consultation.status !== 'ended' ? (
            <button type="button" className="btn btn-danger" onClick={() => void change('end')} disabled={busy !== null}>
              {busy === 'end' ? 'Ending…' : 'End for everyone'}
            </button>
          ) : null}
          {jitsiUrl && consultation.status !== 'ended' && phase !== 'in-call' ? (
            <button type="button" className="btn btn-primary" onClick={() => void join()} disabled={phase === 'joining'} data-testid="join">
              <Icon name="video" /> {phase === 'joining' ? 'Joining…' : phase === 'left' ? 'Rejoin' : 'Join'}
            </button>
          ) : null}
        </div>
      </div>

      {error ? (
        <div className="notice" data-tone="danger" role="alert">
          <Icon name="alert" />
          <div>{error}</div>
        </div>
      ) : null}

      {!jitsiUrl ? (
        <div className="card" data-testid="not-connected">
          <div className="empty">
            <div className="empty-icon">
              <Icon name="plug" size="lg" />
            </div>
            <h2>Video is not connected — set JITSI_URL</h2>
            <p>
              Joining embeds Jitsi Meet here with your own meeting token. Set <code>JITSI_URL</code> for the shell (and <code>JITSI_APP_ID</code>/<code>JITSI_APP_SECRET</code> for the orchestrator) to
              enable it.
            </p>
          </div>
        </div>
      ) : consultation.status === 'ended' ? (
        <div className="notice" data-tone="info">
          <Icon name="clock" />
          <div>This consultation has ended{consultation.endedAt ? <> (<Timestamp iso={consultation.endedAt} />)</> : null}. No new meeting tokens are issued.</div>
        </div>
      ) : null}

      <div className="jitsi-stage" ref={stage} hidden={phase === 'idle' || phase === 'left' || !jitsiUrl} aria-label="Video meeting" />

      <section className="card" aria-labelledby="participants-heading">
        <div className="card-header">
          <h2 id="participants-heading">Participants</h2>
          <span className="muted small">{consultation.startedAt ? <>started <Timestamp iso={consultation.startedAt} /></> : 'not started yet'}</span>
        </div>
        {consultation.participants.length === 0 ? (
          <div className="card-body muted">{consultation.status === 'ended' ? 'No attendance was recorded (Jitsi reports who joined once its event hook is set up).' : 'Nobody has joined yet.'}</div>
        ) : (
          <ul className="list">
            {consultation.participants.map((participant) => (
              <li key={participant.userId} className="list-row">
                <span className="avatar avatar-sm" aria-hidden="true">
                  {participant.name.slice(0, 2).toUpperCase()}
                </span>
                <span className="grow">{participant.name}</span>
                <span className="muted small">{participant.leftAt ? 'left' : 'in the room'}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
