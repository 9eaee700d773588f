// jsdom lacks what Ant Design asks the browser for; these stand-ins answer
// as a 1280 px wide desktop would.
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});

if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  window.scrollTo = () => {};
  const gcs = window.getComputedStyle;
  window.getComputedStyle = (elt: Element, pseudo?: string | null) => gcs(elt, pseudo ? undefined : pseudo);
}
