// A report or dashboard definition as a designer edits it: the saved draft
// if there is one, else the live version; with what the next save must find
// (optimistic concurrency) and the published versions.

import { definitions, type DraftBase } from '../api/definitions';
import type { DefinitionVersion, FormDefinition } from '../api/types';

export interface Doc<T> {
  body: T;
  source: 'draft' | 'live' | 'new';
  /** The live version the edit is based on (0: never published). */
  liveVersion: number;
  draftBase: DraftBase;
  versions: DefinitionVersion[];
}

/** Loads kind/key, or null when there is no such definition. */
export async function loadDoc<T>(kind: 'report' | 'dashboard', key: string): Promise<Doc<T> | null> {
  const info = (await definitions.list()).find((d) => d.kind === kind && d.key === key);
  if (!info) return null;
  const [draft, versions] = await Promise.all([
    info.has_draft ? definitions.draft(kind, key) : null,
    info.latest_version ? definitions.versions(kind, key) : ([] as DefinitionVersion[]),
  ]);
  const liveVersion = versions[0]?.version ?? 0;
  const draftBase: DraftBase = draft ? { tag: draft.tag } : { none: true };
  if (draft) return { body: draft.body as unknown as T, source: 'draft', liveVersion, draftBase, versions };
  const live = await definitions.version(kind, key, liveVersion);
  return { body: live.definition as unknown as T, source: 'live', liveVersion, draftBase, versions };
}

/** Saves body as the draft; resolves with the draft's new tag. */
export async function saveDoc(body: object, since: DraftBase): Promise<{ tag: string; valid: boolean; problems: number }> {
  const { saved, tag } = await definitions.save(body as unknown as FormDefinition, since);
  return { tag, valid: saved.valid, problems: saved.problems.length };
}

/** What an edit of doc is based on; a new definition is based on nothing. */
export function baseOf<T>(doc: Doc<T> | null): { liveVersion: number; draftBase: DraftBase; versions: DefinitionVersion[] } {
  return doc ? { liveVersion: doc.liveVersion, draftBase: doc.draftBase, versions: doc.versions } : { liveVersion: 0, draftBase: { none: true }, versions: [] };
}

/** The published roles, to preview as. */
export const publishedRoles = (defs: { kind: string; key: string; title: string; latest_version: number }[]) =>
  defs.filter((d) => d.kind === 'role' && d.latest_version > 0).map((d) => ({ key: d.key, title: d.title }));
