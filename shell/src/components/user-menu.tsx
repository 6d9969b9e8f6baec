'use client';

import { useCallback, useRef, useState } from 'react';
import { Icon } from './icon';
import { useDismiss } from './use-dismiss';

export function initials(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** The signed-in user and sign-out (a plain form POST: works before scripts load, too). */
export function UserMenu({ name, username, email, roles }: { name: string; username: string; email: string | null; roles: string[] }) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback((focusTrigger: boolean) => {
    setOpen(false);
    if (focusTrigger) trigger.current?.focus();
  }, []);
  useDismiss(open, container, close);
  return (
    <div className="menu" ref={container}>
      <button ref={trigger} type="button" className="menu-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((value) => !value)} data-testid="user-menu">
        <span className="avatar avatar-sm" aria-hidden="true">
          {initials(name)}
        </span>
        <span className="menu-button-text user-button-name">{name}</span>
        <Icon name="chevronDown" />
      </button>
      {open ? (
        <div className="menu-popover" data-align="end" role="menu" aria-label="Account">
          <div className="user-meta">
            <span className="user-name">{name}</span>
            <span className="user-sub">{email ?? username}</span>
            <span className="row">
              {roles.map((role) => (
                <span key={role} className="badge" data-tone="neutral">
                  {role}
                </span>
              ))}
            </span>
          </div>
          <div className="menu-separator" />
          <form method="post" action="/api/session/sign-out">
            <button type="submit" className="menu-item" role="menuitem" autoFocus>
              <Icon name="logOut" />
              Sign out
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
