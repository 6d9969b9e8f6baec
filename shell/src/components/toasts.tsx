'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Icon } from './icon';

/** Short confirmations and failures, announced politely to screen readers. */
export interface ToastInput {
  tone: 'success' | 'danger' | 'info' | 'warning';
  title: string;
  text?: string;
}

type Toast = ToastInput & { id: number };
const ToastContext = createContext<(toast: ToastInput) => void>(() => {});
let counter = 0;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const push = useCallback(
    (toast: ToastInput) => {
      const id = ++counter;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), toast.tone === 'danger' ? 9_000 : 5_000);
    },
    [dismiss],
  );
  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className="notice toast" data-tone={toast.tone}>
            <Icon name={toast.tone === 'success' ? 'tick' : toast.tone === 'info' ? 'clock' : 'alert'} />
            <div className="grow">
              <div className="notice-title">{toast.title}</div>
              {toast.text ? <div>{toast.text}</div> : null}
            </div>
            <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              <Icon name="x" />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): (toast: ToastInput) => void {
  return useContext(ToastContext);
}
