// Lays a generated form out by its definition's layout: titled sections of
// 1–3 columns, then tabs; fields the layout leaves out come last. Without a
// layout, two columns as before.

import type { ReactNode } from 'react';
import { Badge, Row, Tabs } from 'antd';
import { useI18n } from '../i18n';
import { arrange, isEmptyLayout, parseLayout, spanOf, type LayoutSection } from './formLayout';
import type { RenderField } from './recordModel';

interface Props {
  layout: unknown;
  fields: RenderField[];
  wide(f: RenderField): boolean;
  render(f: RenderField, span: number): ReactNode;
  /** Whether a field shows a problem, so a tab hiding one says so. */
  hasError?(key: string): boolean;
}

export function FormLayout({ layout, fields, wide, render, hasError }: Props) {
  const { label } = useI18n();
  const l = parseLayout(layout);
  if (isEmptyLayout(l)) return <Row gutter={24}>{fields.map((f) => render(f, wide(f) ? 24 : 12))}</Row>;
  const byKey = new Map(fields.map((f) => [f.def.key, f]));
  const a = arrange(l, fields.map((f) => f.def.key));
  const section = (s: LayoutSection, i: number) => {
    if (s.fields.length === 0) return null;
    return (
      <section key={i} className="form-section" data-section={s.title ?? i}>
        {s.title ? <h3 className="form-section-title">{label(s.title)}</h3> : null}
        <Row gutter={24}>{s.fields.map((k) => render(byKey.get(k)!, spanOf(s.columns, wide(byKey.get(k)!))))}</Row>
      </section>
    );
  };
  const tabs = a.tabs.filter((t) => t.sections.some((s) => s.fields.length > 0));
  return (
    <>
      {a.sections.map(section)}
      {tabs.length > 0 && (
        <Tabs
          className="form-tabs"
          items={tabs.map((t, i) => {
            const bad = hasError ? t.sections.some((s) => s.fields.some(hasError)) : false;
            return {
              key: String(i),
              forceRender: true,
              label: bad ? <Badge dot offset={[6, 0]}>{label(t.title)}</Badge> : label(t.title),
              children: t.sections.map(section),
            };
          })}
        />
      )}
      {a.rest.length > 0 && <Row gutter={24}>{a.rest.map((k) => render(byKey.get(k)!, wide(byKey.get(k)!) ? 24 : 12))}</Row>}
    </>
  );
}
