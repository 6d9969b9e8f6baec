import type { ReactNode } from 'react';
import { OrchestratorError } from '../lib/orchestrator/client';
import { Icon, type IconId } from './icon';

/** The clear states a module shows instead of an empty frame or a stack trace. */

export function EmptyState({ icon, title, children, action }: { icon: IconId; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon">
        <Icon name={icon} size="lg" />
      </div>
      <h2>{title}</h2>
      {children ? <div className="stack">{children}</div> : null}
      {action}
    </div>
  );
}

export function NotConnected({ system, variable, purpose }: { system: string; variable: string; purpose: string }) {
  return (
    <div className="card" data-testid="not-connected">
      <EmptyState icon="plug" title={`${system} is not connected`}>
        <p>{purpose}</p>
        <p>
          Set <code>{variable}</code> to its public address (for example <code>{variable}=https://{system.toLowerCase()}.example.com</code>) and restart the shell. The
          shell&apos;s Content-Security-Policy then allows exactly that origin.
        </p>
      </EmptyState>
    </div>
  );
}

export function describeFailure(error: unknown): { title: string; text: string } {
  if (error instanceof OrchestratorError) {
    switch (error.kind) {
      case 'unavailable':
        return { title: 'The orchestrator is not answering', text: `${error.message}. Data will show again once it is back; try reloading in a moment.` };
      case 'forbidden':
        return { title: 'Not available to you here', text: `${error.message}.` };
      case 'not_found':
        return { title: 'Not found', text: `${error.message}. It may belong to another workspace.` };
      case 'unauthenticated':
        return { title: 'Your session was not accepted', text: `${error.message}. Sign out and in again.` };
      default:
        return { title: 'Something went wrong', text: `${error.message} (request ${error.requestId}).` };
    }
  }
  return { title: 'Something went wrong', text: (error as Error)?.message ?? 'unknown error' };
}

export function FailureState({ error }: { error: unknown }) {
  const { title, text } = describeFailure(error);
  return (
    <div className="notice" data-tone="danger" role="alert">
      <Icon name="alert" />
      <div>
        <div className="notice-title">{title}</div>
        <div>{text}</div>
      </div>
    </div>
  );
}

export function Forbidden({ module }: { module: string }) {
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon="shield" title={`${module} is not part of your role`}>
          <p>Your roles in this workspace do not include {module}. If you need it, ask an administrator to adjust your roles in Keycloak.</p>
        </EmptyState>
      </div>
    </div>
  );
}
