// A form's layout (the definition's optional `layout`): sections of 1 to 3
// columns, then tabs of sections. The renderer lays fields out by it and the
// designer edits it; both go through these pure functions. Fields the layout
// does not place are shown after it, so a field is never lost.

export interface LayoutSection {
  title?: string;
  columns?: number;
  fields: string[];
}

export interface LayoutTab {
  title: string;
  sections: LayoutSection[];
}

export interface FormLayoutDef {
  sections?: LayoutSection[];
  tabs?: LayoutTab[];
}

/** Where a section is: top-level (tab undefined) or in a tab. */
export interface SectionAt {
  tab?: number;
  section: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readSection(v: unknown): LayoutSection | null {
  if (!isObj(v)) return null;
  const fields = Array.isArray(v.fields) ? v.fields.filter((f): f is string => typeof f === 'string') : [];
  const out: LayoutSection = { fields };
  if (typeof v.title === 'string' && v.title) out.title = v.title;
  if (typeof v.columns === 'number') out.columns = Math.min(3, Math.max(1, Math.round(v.columns)));
  return out;
}

/** Reads a layout as stored, ignoring what it cannot understand. */
export function parseLayout(raw: unknown): FormLayoutDef {
  if (!isObj(raw)) return {};
  const out: FormLayoutDef = {};
  if (Array.isArray(raw.sections)) out.sections = raw.sections.map(readSection).filter((s): s is LayoutSection => s !== null);
  if (Array.isArray(raw.tabs)) {
    out.tabs = raw.tabs.filter(isObj).map((t) => ({
      title: typeof t.title === 'string' ? t.title : '',
      sections: Array.isArray(t.sections) ? t.sections.map(readSection).filter((s): s is LayoutSection => s !== null) : [],
    }));
  }
  return out;
}

/** Whether a layout places anything at all. */
export function isEmptyLayout(l: FormLayoutDef): boolean {
  return !(l.sections?.length || l.tabs?.length);
}

export interface Arranged {
  sections: LayoutSection[];
  tabs: LayoutTab[];
  /** Fields the layout does not place, in form order. */
  rest: string[];
}

/** The layout applied to the form's fields: unknown keys and second
 * placements dropped, the fields left over listed in `rest`. */
export function arrange(layout: FormLayoutDef, keys: string[]): Arranged {
  const known = new Set(keys);
  const placed = new Set<string>();
  const clean = (s: LayoutSection): LayoutSection => ({
    ...s,
    fields: s.fields.filter((k) => known.has(k) && !placed.has(k) && (placed.add(k), true)),
  });
  const sections = (layout.sections ?? []).map(clean);
  const tabs = (layout.tabs ?? []).map((t) => ({ ...t, sections: t.sections.map(clean) }));
  return { sections, tabs, rest: keys.filter((k) => !placed.has(k)) };
}

function mapSections(l: FormLayoutDef, fn: (s: LayoutSection, at: SectionAt) => LayoutSection): FormLayoutDef {
  const out: FormLayoutDef = {};
  if (l.sections) out.sections = l.sections.map((s, i) => fn(s, { section: i }));
  if (l.tabs) out.tabs = l.tabs.map((t, ti) => ({ ...t, sections: t.sections.map((s, i) => fn(s, { tab: ti, section: i })) }));
  return out;
}

const same = (a: SectionAt, b: SectionAt) => a.tab === b.tab && a.section === b.section;

/** Puts a field at the end of a section (or, with `to` null, nowhere: it
 * is shown with the fields left over), taking it from where it was. */
export function placeField(l: FormLayoutDef, key: string, to: SectionAt | null): FormLayoutDef {
  return mapSections(l, (s, at) => {
    const fields = s.fields.filter((k) => k !== key);
    if (to && same(at, to)) fields.push(key);
    return { ...s, fields };
  });
}

/** Sets the fields of one section, in order, taking each from wherever
 * else it was placed. */
export function setSectionFields(l: FormLayoutDef, to: SectionAt, keys: string[]): FormLayoutDef {
  const moving = new Set(keys);
  return mapSections(l, (s, at) => (same(at, to) ? { ...s, fields: [...keys] } : { ...s, fields: s.fields.filter((k) => !moving.has(k)) }));
}

export function updateSection(l: FormLayoutDef, at: SectionAt, patch: Partial<Omit<LayoutSection, 'fields'>>): FormLayoutDef {
  return mapSections(l, (s, here) => {
    if (!same(here, at)) return s;
    const out = { ...s, ...patch };
    if (!out.title) delete out.title;
    return out;
  });
}

export function addSection(l: FormLayoutDef, tab: number | undefined, title: string): FormLayoutDef {
  const section: LayoutSection = { title, columns: 2, fields: [] };
  if (tab === undefined) return { ...l, sections: [...(l.sections ?? []), section] };
  return { ...l, tabs: (l.tabs ?? []).map((t, i) => (i === tab ? { ...t, sections: [...t.sections, section] } : t)) };
}

export function removeSection(l: FormLayoutDef, at: SectionAt): FormLayoutDef {
  if (at.tab === undefined) return { ...l, sections: (l.sections ?? []).filter((_, i) => i !== at.section) };
  return { ...l, tabs: (l.tabs ?? []).map((t, i) => (i === at.tab ? { ...t, sections: t.sections.filter((_, j) => j !== at.section) } : t)) };
}

export function addTab(l: FormLayoutDef, title: string, sectionTitle = ''): FormLayoutDef {
  const section: LayoutSection = { columns: 2, fields: [] };
  if (sectionTitle) section.title = sectionTitle;
  return { ...l, tabs: [...(l.tabs ?? []), { title, sections: [section] }] };
}

export function renameTab(l: FormLayoutDef, tab: number, title: string): FormLayoutDef {
  return { ...l, tabs: (l.tabs ?? []).map((t, i) => (i === tab ? { ...t, title } : t)) };
}

export function removeTab(l: FormLayoutDef, tab: number): FormLayoutDef {
  return { ...l, tabs: (l.tabs ?? []).filter((_, i) => i !== tab) };
}

/** Follows the form's fields: a renamed key is renamed in the layout, a
 * removed field leaves it. */
export function syncLayout(l: FormLayoutDef, renamed: Record<string, string>, keys: string[]): FormLayoutDef {
  const known = new Set(keys);
  return mapSections(l, (s) => ({ ...s, fields: s.fields.map((k) => renamed[k] ?? k).filter((k) => known.has(k)) }));
}

/** The layout to store: undefined when it places nothing, without empty
 * lists the schema would not need. */
export function toStored(l: FormLayoutDef): Record<string, unknown> | undefined {
  if (isEmptyLayout(l)) return undefined;
  const out: Record<string, unknown> = {};
  if (l.sections?.length) out.sections = l.sections;
  if (l.tabs?.length) out.tabs = l.tabs;
  return out;
}

/** Each field's grid span (of 24) in a section of n columns: wide fields
 * (sub-tables, long text, attachments) take the whole row. */
export function spanOf(columns: number | undefined, wide: boolean): number {
  if (wide) return 24;
  return 24 / Math.min(3, Math.max(1, columns ?? 1));
}
