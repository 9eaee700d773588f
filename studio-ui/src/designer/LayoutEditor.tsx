// The layout tab of the form designer: sections of 1–3 columns and tabs,
// each holding fields picked in order. Picking a field placed elsewhere
// moves it; fields left out are shown after the layout.

import type { Dispatch } from 'react';
import { Alert, Button, Card, Empty, Input, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import {
  addSection,
  addTab,
  arrange,
  parseLayout,
  removeSection,
  removeTab,
  renameTab,
  setSectionFields,
  toStored,
  updateSection,
  type FormLayoutDef,
  type LayoutSection,
  type SectionAt,
} from '../renderer/formLayout';
import type { Action, DesignerState } from './designerState';

export function LayoutEditor({ state, dispatch }: { state: DesignerState; dispatch: Dispatch<Action> }) {
  const { t, label } = useI18n();
  const layout = parseLayout(state.layout);
  const keys = state.fields.map((f) => f.def.key);
  const a = arrange(layout, keys);
  const set = (l: FormLayoutDef) => dispatch({ type: 'form', patch: { layout: toStored(l) } });
  const options = state.fields.map((f) => ({ value: f.def.key, label: `${label(f.def.label)} (${f.def.key})` }));

  const sectionCard = (s: LayoutSection, at: SectionAt, name: string) => (
    <Card
      key={`${at.tab ?? 'top'}-${at.section}`}
      size="small"
      className="layout-section"
      title={
        <Input
          variant="borderless"
          value={s.title ?? ''}
          placeholder={t('layout.untitledSection')}
          aria-label={t('layout.sectionTitle', { name })}
          onChange={(e) => set(updateSection(layout, at, { title: e.target.value }))}
        />
      }
      extra={
        <Space>
          <Segmented
            size="small"
            aria-label={t('layout.columns')}
            value={s.columns ?? 1}
            onChange={(v) => set(updateSection(layout, at, { columns: Number(v) }))}
            options={[1, 2, 3].map((n) => ({ value: n, label: t('layout.nColumns', { n }) }))}
          />
          <Tooltip title={t('layout.removeSection')}>
            <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('layout.removeSection')} onClick={() => set(removeSection(layout, at))} />
          </Tooltip>
        </Space>
      }
    >
      <Select
        mode="multiple"
        style={{ width: '100%' }}
        placeholder={t('layout.pickFields')}
        aria-label={t('layout.sectionFields', { name })}
        value={s.fields.filter((k) => keys.includes(k))}
        options={options}
        optionFilterProp="label"
        onChange={(v: string[]) => set(setSectionFields(layout, at, v))}
      />
    </Card>
  );

  return (
    <div className="layout-editor" data-testid="layout-editor">
      <Alert type="info" showIcon title={t('layout.help')} style={{ marginBottom: 16 }} />
      <Space style={{ marginBottom: 16 }}>
        <Button icon={<PlusOutlined />} onClick={() => set(addSection(layout, undefined, t('layout.newSection')))}>
          {t('layout.addSection')}
        </Button>
        <Button icon={<PlusOutlined />} onClick={() => set(addTab(layout, t('layout.newTab', { n: (layout.tabs?.length ?? 0) + 1 })))}>
          {t('layout.addTab')}
        </Button>
      </Space>
      {(layout.sections ?? []).map((s, i) => sectionCard(s, { section: i }, s.title || String(i + 1)))}
      {(layout.tabs ?? []).map((tab, ti) => (
        <Card
          key={`tab-${ti}`}
          className="layout-tab"
          size="small"
          title={
            <Space>
              <Tag color="blue">{t('layout.tab')}</Tag>
              <Input
                value={tab.title}
                aria-label={t('layout.tabTitle', { n: ti + 1 })}
                onChange={(e) => set(renameTab(layout, ti, e.target.value))}
                style={{ width: 240 }}
              />
            </Space>
          }
          extra={
            <Space>
              <Button size="small" icon={<PlusOutlined />} onClick={() => set(addSection(layout, ti, ''))}>
                {t('layout.addSection')}
              </Button>
              <Tooltip title={t('layout.removeTab')}>
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('layout.removeTab')} onClick={() => set(removeTab(layout, ti))} />
              </Tooltip>
            </Space>
          }
        >
          {tab.sections.map((s, i) => sectionCard(s, { tab: ti, section: i }, `${tab.title} ${s.title || i + 1}`))}
        </Card>
      ))}
      <Card size="small" title={t('layout.unplaced')} className="layout-rest">
        {a.rest.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('layout.allPlaced')} />
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t('layout.unplacedHelp')}</Typography.Paragraph>
            <Space size={[4, 8]} wrap>
              {a.rest.map((k) => (
                <Tag key={k}>{label(state.fields.find((f) => f.def.key === k)?.def.label)}</Tag>
              ))}
            </Space>
          </>
        )}
      </Card>
    </div>
  );
}
