// What a record page offers beyond its fields: "create from" conversions
// and document templates, decided from the definitions and the user's
// permissions. The server stays the judge; this only spares the user a
// button that cannot work.

import type { FormDefinition, RecordValue } from '../api/types';
import { run } from '../renderer/expr';
import { recordEnv, type Actor } from '../renderer/recordModel';
import type { Conversion, FormPermissions } from './api';

/** How a conversion is offered: usable, or shown disabled with its rule. */
export type Offer = { state: 'ready' } | { state: 'blocked'; rule: string };

const identifiers = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The expression environment of a stored record, as the server builds it
 * for a conversion's condition. */
export function storedEnv(def: FormDefinition, rec: RecordValue, actor?: Actor) {
  const env = recordEnv(def, rec, actor);
  for (const k of ['id', 'owner', 'created_by']) if (typeof rec[k] === 'number') env[k] = rec[k];
  if (typeof rec.flow_status === 'string') env.flow_status = rec.flow_status;
  return env;
}

/** Whether the rule reads a field of def that rec leaves out: one hidden
 * from this user, so only the server can judge the rule. */
function readsUnseen(rule: string, def: FormDefinition, rec: RecordValue): boolean {
  const keys = new Set(def.fields.map((f) => f.key));
  return (rule.match(identifiers) ?? []).some((n) => keys.has(n) && rec[n] === undefined);
}

/** How cv is offered on rec of form def, or null when the user may not
 * create records of its target and so should not see it. */
export function conversionOffer(
  cv: Conversion,
  def: FormDefinition,
  rec: RecordValue,
  permissions: Record<string, FormPermissions>,
  actor?: Actor,
): Offer | null {
  if (!permissions[cv.target]?.actions.includes('create')) return null;
  if (!cv.when || readsUnseen(cv.when, def, rec)) return { state: 'ready' };
  try {
    return run(cv.when, storedEnv(def, rec, actor)) === false ? { state: 'blocked', rule: cv.when } : { state: 'ready' };
  } catch {
    // note: a rule this evaluator cannot run is left to the server.
    return { state: 'ready' };
  }
}

/** Whether the user may print documents of a record of form: the server
 * stores the PDF on the record, so it asks for update. */
export const mayPrint = (form: string, permissions: Record<string, FormPermissions>) =>
  !!permissions[form]?.actions.includes('update');
