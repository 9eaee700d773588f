import { useCallback, useMemo, useState } from 'react';
import type { FormDefinition, JSONSchema, RecordValue } from '../api/types';
import { computeFormulas, initialValues, renderFields, toPayload, visibility, type Actor, type RenderField } from './recordModel';
import { validateRecord, type Errors } from './validateRecord';

export interface RecordFormState {
  definition: FormDefinition;
  schema?: JSONSchema;
  fields: RenderField[];
  /** What the user typed. */
  values: RecordValue;
  /** values with formulas filled in. */
  computed: RecordValue;
  /** Formulas only the server can compute, by path. */
  pending: Record<string, string>;
  shown: Record<string, boolean>;
  errors: Errors;
  setValue(key: string, v: unknown): void;
  /** Changes the values from the latest ones (an answer arriving later). */
  update(fn: (values: RecordValue) => RecordValue): void;
  reset(): void;
  /** The body to send. */
  payload(): RecordValue;
  actor?: Actor;
}

/** The state of one generated form: values, formulas, visibility and the
 * problems found so far, recomputed on every change. start, when given,
 * is what the form opens with (a stored record being edited) instead of
 * the defaults of a new one. */
export function useRecordForm(definition: FormDefinition, schema: JSONSchema | undefined, actor?: Actor, start?: RecordValue): RecordFormState {
  const [values, setValues] = useState<RecordValue>(() => start ?? initialValues(definition, actor));
  const fields = useMemo(() => renderFields(definition.fields, schema), [definition, schema]);
  const { values: computed, pending } = useMemo(
    () => computeFormulas(definition, schema, values, actor),
    [definition, schema, values, actor],
  );
  const shown = useMemo(() => visibility(definition, computed, actor), [definition, computed, actor]);
  const errors = useMemo(() => validateRecord(definition, schema, computed, shown, actor), [definition, schema, computed, shown, actor]);
  const setValue = useCallback((key: string, v: unknown) => setValues((old) => ({ ...old, [key]: v })), []);
  const update = useCallback((fn: (values: RecordValue) => RecordValue) => setValues(fn), []);
  const reset = useCallback(() => setValues(start ?? initialValues(definition, actor)), [definition, actor, start]);
  const payload = useCallback(() => toPayload(fields, values, shown), [fields, values, shown]);
  return { definition, schema, fields, values, computed, pending, shown, errors, setValue, update, reset, payload, actor };
}
