import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            w
          </span>
          <span>wrrk</span>
        </div>
        <h1>Page not found</h1>
        <p className="muted">The address may be mistyped, or the page moved.</p>
        <Link className="btn btn-primary btn-lg" href="/app">
          Go to your workspace
        </Link>
      </div>
    </main>
  );
}
