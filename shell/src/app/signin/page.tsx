import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Icon } from '../../components/icon';
import { shellConfig } from '../../lib/config';
import { safeCallbackPath } from '../../lib/http/safe-callback';
import { readShellSession } from '../../lib/session/shell-session';
import { SignInButton } from './sign-in-button';

export const metadata: Metadata = { title: 'Sign in' };

type Search = Promise<Record<string, string | string[] | undefined>>;

function messageFor(error: string | undefined, issuer: string): { tone: 'warning' | 'danger'; title: string; text: string } | null {
  switch (error) {
    case undefined:
    case 'SessionRequired':
      return null;
    case 'SessionExpired':
      return { tone: 'warning', title: 'Your session has ended', text: 'For your security you were signed out. Sign in again to continue where you left off.' };
    case 'IdentityUnavailable':
      return { tone: 'danger', title: 'The identity provider is not reachable', text: `No answer from ${issuer}. Check that it is running, or set OIDC_ISSUER to the right address.` };
    case 'AccessDenied':
      return { tone: 'danger', title: 'Access denied', text: 'The identity provider refused the sign-in.' };
    default:
      return { tone: 'danger', title: 'Sign-in did not complete', text: `The identity provider answered with an error (${error}). Try again; if it persists, check the shell's client settings (SHELL_CLIENT_ID, SHELL_CLIENT_SECRET).` };
  }
}

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const one = (key: string) => (Array.isArray(params[key]) ? params[key][0] : params[key]);
  const callbackUrl = safeCallbackPath(one('callbackUrl'));
  const error = one('error');
  const session = await readShellSession();
  if (session && !error) redirect(callbackUrl);
  const config = shellConfig();
  const message = messageFor(error, config.issuer);
  const signedOut = one('signedOut') === '1';

  return (
    <main className="auth-page">
      <div className="card auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">w</span>
          <span>wrrk</span>
        </div>
        <div className="stack">
          <h1>Sign in to your workspace</h1>
          <p className="muted">Inbox, team chat, consultations and approvals, with one account.</p>
        </div>
        {signedOut && !message ? (
          <div className="notice" data-tone="success" role="status">
            <Icon name="tick" />
            <div>
              <div className="notice-title">You are signed out</div>
              <div>Your session has ended here and at the identity provider.</div>
            </div>
          </div>
        ) : null}
        {message ? (
          <div className="notice" data-tone={message.tone} role="alert">
            <Icon name="alert" />
            <div>
              <div className="notice-title">{message.title}</div>
              <div>{message.text}</div>
            </div>
          </div>
        ) : null}
        <SignInButton callbackUrl={callbackUrl} />
        <p className="auth-foot">You will continue at your organisation’s sign-in page ({new URL(config.issuer).host}).</p>
      </div>
    </main>
  );
}
