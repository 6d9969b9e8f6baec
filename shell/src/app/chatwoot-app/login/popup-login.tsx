'use client';

import Keycloak from 'keycloak-js';
import { useEffect, useState } from 'react';
import { AUTH_MESSAGE_TYPE } from '../app-context';

/**
 * Runs keycloak-js's standard flow (authorization code + PKCE S256) in this top-level popup,
 * then hands the tokens to the dashboard app that opened it — only to a window of this very
 * origin (postMessage target origin) — and closes. Tokens never touch storage.
 */
export function PopupLogin({ keycloak }: { keycloak: { url: string; realm: string; clientId: string } }) {
  const [state, setState] = useState<'working' | 'orphaned' | 'failed'>('working');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const kc = new Keycloak(keycloak);
    kc.init({ onLoad: 'login-required', pkceMethod: 'S256', checkLoginIframe: false, redirectUri: `${window.location.origin}/chatwoot-app/login` })
      .then((authenticated) => {
        if (!authenticated || !kc.token) throw new Error('Keycloak did not sign you in');
        const opener = window.opener as Window | null;
        if (!opener || opener.closed) {
          setState('orphaned');
          return;
        }
        opener.postMessage({ type: AUTH_MESSAGE_TYPE, token: kc.token, refreshToken: kc.refreshToken ?? null, idToken: kc.idToken ?? null }, window.location.origin);
        window.close();
      })
      .catch((reason: unknown) => {
        setError(reason instanceof Error ? reason.message : String(reason ?? 'sign-in failed'));
        setState('failed');
      });
  }, [keycloak]);

  return (
    <main className="auth-page">
      <div className="card auth-card stack" role="status" aria-live="polite">
        {state === 'working' && <p>Signing you in…</p>}
        {state === 'orphaned' && <p>You are signed in, but this window lost its link to Chatwoot. Close it and press “Sign in” in Chatwoot again.</p>}
        {state === 'failed' && <p className="field-error">Sign-in failed: {error}. Close this window and try again.</p>}
      </div>
    </main>
  );
}
