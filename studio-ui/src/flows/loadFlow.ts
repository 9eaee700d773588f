// What the flow designer opens: the saved draft if there is one, else the
// live version; what it is based on, for optimistic concurrency; and what
// its panels offer (the form's fields, roles, departments, other flows).

import { definitions, type DraftBase } from '../api/definitions';
import { forms, people } from '../api/forms';
import type { DefinitionVersion, Department, FieldDef, FormSummary } from '../api/types';
import { flowAPI } from './api';
import type { FlowDefinition } from './model';

export interface LoadedFlow {
  body: FlowDefinition;
  source: 'draft' | 'live';
  liveVersion: number;
  live: FlowDefinition | null;
  draftBase: DraftBase;
}

export interface FlowMeta {
  fields: FieldDef[];
  forms: FormSummary[];
  roles: { key: string; title: string }[];
  flows: { key: string; title: string }[];
  departments: Department[];
}

/** Loads flow key; null when there is no such flow. */
export async function loadFlow(key: string, prefer: 'draft' | 'live' = 'draft'): Promise<LoadedFlow | null> {
  const info = (await definitions.list()).find((d) => d.kind === 'flow' && d.key === key);
  if (!info) return null;
  const [draft, versions] = await Promise.all([
    info.has_draft ? definitions.draft<FlowDefinition>('flow', key) : null,
    info.latest_version ? definitions.versions('flow', key) : ([] as DefinitionVersion[]),
  ]);
  const liveVersion = versions[0]?.version ?? 0;
  const live = liveVersion ? (await definitions.version<FlowDefinition>('flow', key, liveVersion)).definition : null;
  const draftBase: DraftBase = draft ? { tag: draft.tag } : { none: true };
  if (draft && (prefer === 'draft' || !live)) return { body: draft.body, source: 'draft', liveVersion, live, draftBase };
  if (!live) return null;
  return { body: live, source: 'live', liveVersion, live, draftBase };
}

export async function loadFlowMeta(form: string): Promise<FlowMeta> {
  const [detail, formList, roles, flows, departments] = await Promise.all([
    forms.get(form).catch(() => null),
    forms.list(),
    flowAPI.named('role'),
    flowAPI.named('flow'),
    people.departments().catch(() => [] as Department[]),
  ]);
  return { fields: detail?.definition.fields ?? [], forms: formList, roles, flows, departments };
}
