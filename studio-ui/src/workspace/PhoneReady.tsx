// The studio is laid out for a desk (the body keeps 1200 px); the workspace
// must also fit a phone, so its pages lift that floor while they are shown.

import { useEffect, type ReactNode } from 'react';

export function PhoneReady({ children }: { children: ReactNode }) {
  useEffect(() => {
    document.body.classList.add('fits-phone');
    return () => document.body.classList.remove('fits-phone');
  }, []);
  return <>{children}</>;
}
