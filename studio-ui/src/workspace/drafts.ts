// Drafts of new records, kept in this browser per user and form, so a
// half-filled form survives a reload or a closed tab.

import type { RecordValue } from '../api/types';

const keyOf = (user: number, form: string) => `mosaic.draft.${user}.${form}`;

export const drafts = {
  load(user: number, form: string): RecordValue | null {
    try {
      const raw = localStorage.getItem(keyOf(user, form));
      const v = raw ? (JSON.parse(raw) as unknown) : null;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as RecordValue) : null;
    } catch {
      return null;
    }
  },
  save(user: number, form: string, values: RecordValue): void {
    try {
      localStorage.setItem(keyOf(user, form), JSON.stringify(values));
    } catch {
      // note: a full or blocked storage only loses the draft.
    }
  },
  clear(user: number, form: string): void {
    localStorage.removeItem(keyOf(user, form));
  },
};
