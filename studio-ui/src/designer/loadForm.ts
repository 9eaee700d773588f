// What the designer opens: the saved draft if there is one, else the live
// version; and what it is based on, for optimistic concurrency.

import { definitions, type DraftBase } from '../api/definitions';
import type { DefinitionVersion, FormDefinition } from '../api/types';

export interface Loaded {
  /** The text the designer starts from. */
  body: FormDefinition;
  /** Where it came from. */
  source: 'draft' | 'live' | 'new';
  /** The live version (0: never published) the edit is based on. */
  liveVersion: number;
  live: FormDefinition | null;
  /** What the next save must find: the draft as read, or none. */
  draftBase: DraftBase;
  versions: DefinitionVersion[];
}

/** Loads form key; when it does not exist and fresh is given, starts a new
 * form with that title. Null when there is no such form. */
export async function loadForm(key: string, fresh?: { title: string }, prefer: 'draft' | 'live' = 'draft'): Promise<Loaded | null> {
  const info = (await definitions.list()).find((d) => d.kind === 'form' && d.key === key);
  if (!info) {
    if (!fresh) return null;
    return { body: { kind: 'form', key, title: fresh.title, fields: [] }, source: 'new', liveVersion: 0, live: null, draftBase: { none: true }, versions: [] };
  }
  const [draft, versions] = await Promise.all([
    info.has_draft ? definitions.draft('form', key) : null,
    info.latest_version ? definitions.versions('form', key) : ([] as DefinitionVersion[]),
  ]);
  const liveVersion = versions[0]?.version ?? 0;
  const live = liveVersion ? (await definitions.version('form', key, liveVersion)).definition : null;
  const draftBase: DraftBase = draft ? { tag: draft.tag } : { none: true };
  if (draft && (prefer === 'draft' || !live)) {
    return { body: draft.body, source: 'draft', liveVersion, live, draftBase, versions };
  }
  return { body: live!, source: 'live', liveVersion, live, draftBase, versions };
}
