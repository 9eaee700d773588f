// Puts the server's problems ("/fields/2/formula") on the fields and rules
// they are about, wherever those have moved in the designer since.

import type { Problem } from '../api/types';
import type { PathIndex } from './designerState';
import type { FieldProblems } from './FieldProperties';

export interface PlacedProblems {
  fields: Record<string, FieldProblems>;
  rules: Record<string, Problem[]>;
  form: Problem[];
  count: Record<string, number>;
}

/** Strips the "/form/<key>" a publish puts before its paths. */
export function relativePath(path: string, key: string): string {
  const prefix = `/form/${key}`;
  return path === prefix ? '' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

export function placeProblems(problems: Problem[], paths: PathIndex, key: string): PlacedProblems {
  const out: PlacedProblems = { fields: {}, rules: {}, form: [], count: {} };
  for (const raw of problems) {
    const path = relativePath(raw.path, key);
    const parts = path.split('/');
    let owner: string | undefined;
    let rest = '';
    for (let n = parts.length; n > 1; n--) {
      const prefix = parts.slice(0, n).join('/');
      owner = paths.get(prefix);
      if (owner) {
        rest = parts.slice(n).join('/');
        break;
      }
    }
    if (!owner) {
      out.form.push({ ...raw, path });
      continue;
    }
    const p = { ...raw, path: rest ? `/${rest}` : '' };
    if (path.startsWith('/rules/')) {
      (out.rules[owner] ??= []).push(p);
    } else {
      const setting = rest.split('/')[0] ?? '';
      const byField = (out.fields[owner] ??= {});
      (byField[setting] ??= []).push(p);
    }
    out.count[owner] = (out.count[owner] ?? 0) + 1;
  }
  return out;
}
