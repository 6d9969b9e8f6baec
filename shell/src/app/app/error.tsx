'use client';

import { useEffect } from 'react';
import { Icon } from '../../components/icon';

/** A module that failed to render keeps the frame (navigation, tenant, sign-out) usable. */
export default function ModuleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="page">
      <div className="card empty" role="alert">
        <div className="empty-icon">
          <Icon name="alert" size="lg" />
        </div>
        <h2>This page could not be shown</h2>
        <p>Something failed while preparing it{error.digest ? ` (reference ${error.digest})` : ''}. The rest of the workspace still works.</p>
        <button type="button" className="btn btn-primary" onClick={reset}>
          <Icon name="refresh" /> Try again
        </button>
      </div>
    </div>
  );
}
