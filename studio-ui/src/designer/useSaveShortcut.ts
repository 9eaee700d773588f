import { useEffect } from 'react';

/** Ctrl+S (⌘S) saves the draft, instead of the browser saving the page. */
export function useSaveShortcut(save: () => unknown, saving: boolean) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!saving) void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, saving]);
}
