/** Shown while a module's data loads after a click in the sidebar. */
export function ModuleLoading() {
  return (
    <div className="page" aria-busy="true" aria-live="polite">
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-line" />
      <div className="card skeleton-card">
        <div className="skeleton skeleton-line" />
        <div className="skeleton skeleton-line short" />
        <div className="skeleton skeleton-line" />
      </div>
      <span className="visually-hidden">Loading…</span>
    </div>
  );
}
