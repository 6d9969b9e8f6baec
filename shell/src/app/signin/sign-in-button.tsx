'use client';

import { signIn } from 'next-auth/react';
import { useState } from 'react';

/** Starts the authorization code flow (next-auth fetches its CSRF token, then redirects). */
export function SignInButton({ callbackUrl }: { callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-primary btn-lg"
        autoFocus
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setFailed(null);
          try {
            await signIn('keycloak', { callbackUrl });
          } catch (error) {
            setFailed((error as Error).message || 'could not reach the shell');
            setBusy(false);
          }
        }}
      >
        {busy ? 'Redirecting…' : 'Continue with single sign-on'}
      </button>
      {failed ? (
        <p className="field-error" role="alert">
          {failed}
        </p>
      ) : null}
    </>
  );
}
