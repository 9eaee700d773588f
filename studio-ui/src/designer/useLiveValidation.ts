import { useEffect, useRef, useState } from 'react';
import { definitions } from '../api/definitions';
import type { FormDefinition, JSONSchema, Problem } from '../api/types';

export interface LiveCheck<T = FormDefinition> {
  problems: Problem[];
  /** The record schema of the last text that compiled, for the preview. */
  recordSchema?: JSONSchema;
  /** The text the problems are about (their paths index into it). */
  checked?: T;
  checking: boolean;
  /** Set when the check itself failed (server unreachable…). */
  error: unknown;
}

/** Asks the server to check the definition being edited (of any kind), a
 * moment after each change of its text, without saving it; an older answer
 * never overwrites a newer one. */
export function useLiveValidation<T extends { kind: string; key: string } = FormDefinition>(def: T, text: string, delay = 400): LiveCheck<T> {
  const [state, setState] = useState<LiveCheck<T>>({ problems: [], checking: false, error: null });
  const latest = useRef(def);
  latest.current = def;
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ ...s, checking: true }));
    const id = setTimeout(() => {
      const sent = latest.current;
      definitions
        .validate(sent.kind, sent.key, sent, ctrl.signal)
        .then((r) =>
          setState((s) => ({
            problems: r.problems,
            recordSchema: r.record_schema ?? s.recordSchema,
            checked: sent,
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
