import { useMemo } from 'react';
import { AutoComplete, Input } from 'antd';
import type { Problem } from '../api/types';
import type { NameChoice } from '../designer/ExpressionInput';
import { useI18n } from '../i18n';

export type { NameChoice };

interface Props {
  id?: string;
  value: string;
  onChange(v: string): void;
  names: NameChoice[];
  problems?: Problem[];
  placeholder?: string;
  'aria-label'?: string;
}

/** The name being typed at the end of text, and where it starts. */
export function wordAtEnd(text: string): { word: string; start: number } {
  const m = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(text);
  return m ? { word: m[0], start: m.index } : { word: '', start: text.length };
}

/** The names that complete word, best first: those it starts, then those
 * it is part of. */
export function completions(names: NameChoice[], word: string): NameChoice[] {
  if (!word) return [];
  const w = word.toLowerCase();
  const starts = names.filter((n) => n.key.toLowerCase().startsWith(w) && n.key !== word);
  const within = names.filter((n) => !n.key.toLowerCase().startsWith(w) && (n.key.toLowerCase().includes(w) || n.label.toLowerCase().includes(w)));
  return [...starts, ...within].slice(0, 12);
}

/** An expression of the flow (a routing condition, a mapping), offering the
 * form's field names as the admin types, with the server's compile errors
 * under it. */
export function ConditionInput({ id, value, onChange, names, problems = [], placeholder, ...rest }: Props) {
  const { label } = useI18n();
  const { word, start } = wordAtEnd(value);
  // note: each option's value is the whole text with the word completed, so
  // choosing one is an ordinary change.
  const options = useMemo(
    () =>
      completions(names, word).map((n) => ({
        value: value.slice(0, start) + n.key,
        label: (
          <span data-testid={`complete-${n.key}`}>
            <code>{n.key}</code> <span className="muted">{label(n.label)}</span>
          </span>
        ),
      })),
    [names, word, start, value, label],
  );
  const error = problems.length > 0;
  return (
    <div className="expression-input">
      <AutoComplete value={value} options={options} onChange={(v: string) => onChange(v)} style={{ width: '100%' }} popupMatchSelectWidth={false}>
        <Input.TextArea
          id={id}
          aria-label={rest['aria-label']}
          aria-invalid={error}
          className="mono"
          placeholder={placeholder}
          autoSize={{ minRows: 1, maxRows: 5 }}
          status={error ? 'error' : undefined}
          spellCheck={false}
        />
      </AutoComplete>
      {problems.map((p, i) => (
        <div key={i} className="field-error expression-error" role="alert">
          {p.message}
        </div>
      ))}
    </div>
  );
}
