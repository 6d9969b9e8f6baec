'use client';

import { useEffect, type RefObject } from 'react';

/** Closes a popover on Escape or a click outside it (returning focus to its trigger on Escape). */
export function useDismiss(open: boolean, container: RefObject<HTMLElement | null>, close: (focusTrigger: boolean) => void): void {
  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (container.current && !container.current.contains(event.target as Node)) close(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        close(true);
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open, container, close]);
}
