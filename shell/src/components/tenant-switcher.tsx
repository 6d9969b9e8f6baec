'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useRef, useState, useTransition, type KeyboardEvent } from 'react';
import { Icon, type IconId } from './icon';
import { useToast } from './toasts';
import { useDismiss } from './use-dismiss';

export interface TenantOption {
  id: string;
  kind: 'organization' | 'team' | 'personal';
  name: string;
}

const KIND_ICON: Record<TenantOption['kind'], IconId> = { organization: 'building', team: 'users', personal: 'user' };
const KIND_LABEL: Record<TenantOption['kind'], string> = { organization: 'Organizations', team: 'Teams', personal: 'Personal' };

/**
 * The tenant switcher: a listbox of the user's tenants, grouped by kind. Choosing one stores it
 * (server-side, validated against the session) and re-renders the current page in place.
 */
export function TenantSwitcher({ tenants, currentId }: { tenants: TenantOption[]; currentId: string }) {
  const router = useRouter();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(() => Math.max(0, tenants.findIndex((tenant) => tenant.id === currentId)));
  const [pending, startTransition] = useTransition();
  const container = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const current = tenants.find((tenant) => tenant.id === currentId) ?? tenants[0]!;

  const close = useCallback((focusTrigger: boolean) => {
    setOpen(false);
    if (focusTrigger) trigger.current?.focus();
  }, []);
  useDismiss(open, container, close);

  const choose = async (tenant: TenantOption) => {
    close(true);
    if (tenant.id === currentId) return;
    const response = await fetch('/api/tenant', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: tenant.id }) });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      toast({ tone: 'danger', title: 'Could not switch', text: body?.error ?? `the shell answered ${response.status}` });
      return;
    }
    startTransition(() => router.refresh());
  };

  const openList = () => {
    setActive(Math.max(0, tenants.findIndex((tenant) => tenant.id === currentId)));
    setOpen(true);
    requestAnimationFrame(() => list.current?.focus());
  };

  const onListKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowDown') setActive((index) => Math.min(tenants.length - 1, index + 1));
    else if (event.key === 'ArrowUp') setActive((index) => Math.max(0, index - 1));
    else if (event.key === 'Home') setActive(0);
    else if (event.key === 'End') setActive(tenants.length - 1);
    else if (event.key === 'Enter' || event.key === ' ') void choose(tenants[active]!);
    else if (event.key === 'Tab') close(false);
    else return;
    event.preventDefault();
  };

  const groups = (['organization', 'team', 'personal'] as const)
    .map((kind) => ({ kind, items: tenants.map((tenant, index) => ({ tenant, index })).filter(({ tenant }) => tenant.kind === kind) }))
    .filter((group) => group.items.length > 0);
  return (
    <div className="menu" ref={container}>
      <button
        ref={trigger}
        type="button"
        className="menu-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`Current workspace: ${current.name}. Switch workspace`}
        onClick={() => (open ? close(false) : openList())}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            openList();
          }
        }}
        data-testid="tenant-switcher"
      >
        <span className="tenant-kind" data-kind={current.kind} aria-hidden="true">
          <Icon name={KIND_ICON[current.kind]} />
        </span>
        <span className="menu-button-text">{pending ? 'Switching…' : current.name}</span>
        <Icon name="chevronDown" />
      </button>
      {open ? (
        <div className="menu-popover">
          <div ref={list} role="listbox" tabIndex={-1} aria-label="Workspaces" aria-activedescendant={`tenant-option-${active}`} onKeyDown={onListKey}>
            {groups.map((group) => (
              <div key={group.kind} role="group" aria-labelledby={`tenant-group-${group.kind}`}>
                <div id={`tenant-group-${group.kind}`} className="menu-group-label">
                  {KIND_LABEL[group.kind]}
                </div>
                {group.items.map(({ tenant, index }) => (
                  <div
                    key={tenant.id}
                    id={`tenant-option-${index}`}
                    role="option"
                    aria-selected={tenant.id === currentId}
                    data-active={index === active}
                    className="menu-item"
                    onClick={() => void choose(tenant)}
                    onMouseEnter={() => setActive(index)}
                  >
                    <span className="tenant-kind" data-kind={tenant.kind} aria-hidden="true">
                      <Icon name={KIND_ICON[tenant.kind]} />
                    </span>
                    <span>{tenant.name}</span>
                    {tenant.id === currentId ? (
                      <span className="menu-check" aria-hidden="true">
                        <Icon name="tick" />
                      </span>
                    ) : null}
                  </div>
                ))}
              </div>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}
