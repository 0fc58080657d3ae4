import { useEffect } from 'preact/hooks';

const GO: Record<string, string> = { b: '#/', s: '#/site', h: '#/shift', c: '#/log-call' };

/**
 * Keyboard use for a desk worked all night: `/` jumps to the filters, `g` then b/s/h/c (log a call)
 * switches views, Escape goes back to the board. Not while typing in a field.
 */
export function useDeskKeys(): void {
  useEffect(() => {
    let pendingG = false;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.altKey || e.ctrlKey || e.metaKey || (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) || target?.isContentEditable) return;
      if (pendingG) {
        pendingG = false;
        const to = GO[e.key];
        if (to) {
          e.preventDefault();
          location.hash = to;
        }
        return;
      }
      if (e.key === 'g') pendingG = true;
      else if (e.key === '/') {
        const filter = document.getElementById('filter-first');
        if (filter) {
          e.preventDefault();
          filter.focus();
        }
      } else if (e.key === 'Escape' && location.hash.startsWith('#/ticket/')) {
        location.hash = '#/';
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}
