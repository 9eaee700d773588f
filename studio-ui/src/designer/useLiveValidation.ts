import { useEffect, useRef, useState } from 'react';
import { definitions } from '../api/definitions';
import type { FormDefinition, JSONSchema, Problem } from '../api/types';

export interface LiveCheck {
  problems: Problem[];
  /** The record schema of the last text that compiled, for the preview. */
  recordSchema?: JSONSchema;
  checking: boolean;
  /** Set when the check itself failed (server unreachable…). */
  error: unknown;
}

/** Asks the server to check the text being edited, a moment after each
 * change, without saving it; an older answer never overwrites a newer one. */
export function useLiveValidation(def: FormDefinition, text: string, delay = 400): LiveCheck {
  const [state, setState] = useState<LiveCheck>({ problems: [], checking: false, error: null });
  const latest = useRef(def);
  latest.current = def;
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ ...s, checking: true }));
    const id = setTimeout(() => {
      definitions
        .validate('form', latest.current.key, latest.current, ctrl.signal)
        .then((r) =>
          setState((s) => ({
            problems: r.problems,
            recordSchema: r.record_schema ?? s.recordSchema,
            checking: false,
            error: null,
          })),
        )
        .catch((e: Error) => {
          if (e.name === 'AbortError') return;
          setState((s) => ({ ...s, checking: false, error: e }));
        });
    }, delay);
    return () => {
      clearTimeout(id);
      ctrl.abort();
    };
  }, [text, delay]);
  return state;
}
