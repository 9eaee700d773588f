// The report designer's live results: the definition as it stands, run on
// the server a moment after the analyst stops changing it.

import { useEffect, useState } from 'react';
import { reportApi } from './reportApi';
import type { ReportDefinition, Result } from './types';

export interface Preview {
  result: Result | null;
  error: unknown;
  running: boolean;
}

export function usePreview(def: ReportDefinition, asRole?: string, delay = 350): Preview {
  const [state, setState] = useState<Preview>({ result: null, error: null, running: false });
  const text = JSON.stringify(def);
  useEffect(() => {
    if (!def.source || def.measures.length === 0) {
      setState({ result: null, error: null, running: false });
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      setState((s) => ({ ...s, running: true }));
      reportApi.preview(JSON.parse(text) as ReportDefinition, ctl.signal, asRole).then(
        (result) => setState({ result, error: null, running: false }),
        (error: unknown) => {
          if ((error as Error).name !== 'AbortError') setState((s) => ({ result: s.result, error, running: false }));
        },
      );
    }, delay);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
    // note: text stands for def, so an equal definition does not run again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text, asRole, delay]);
  return state;
}
