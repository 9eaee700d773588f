import type { ReactNode } from 'react';
import { Button, Divider, Form, Input, InputNumber, Popconfirm, Select, Switch, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import type { FieldDef, FormSummary, Problem } from '../api/types';
import { useI18n } from '../i18n';
import { findField, isLocked, type Action, type DesignerState, type Labels } from './designerState';
import { allowedInSubTable, isNumeric, settingsFor } from './fieldTypes';
import { checkFieldKey } from './keys';
import { ExpressionInput, type NameChoice } from './ExpressionInput';
import { FillSetting } from './FillSetting';
import { OptionsEditor } from './OptionsEditor';
import { TypeIcon } from './typeIcons';
import { typeLabel } from './typeLabel';

/** The problems of one field, by the setting they are about ("formula",
 * "options"…, "" for the field as a whole), with paths relative to it. */
export type FieldProblems = Record<string, Problem[]>;

interface Props {
  state: DesignerState;
  uid: string;
  dispatch(a: Action): void;
  problems: FieldProblems;
  forms: FormSummary[];
  formulaResults: string[];
  types: string[];
  labels: Labels;
  /** Option values of the published version, by field key. */
  publishedOptions: Record<string, string[]>;
}

const currencies = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP'];

function Setting({ label, children, problems, hint, htmlFor }: { label: ReactNode; children: ReactNode; problems?: Problem[]; hint?: ReactNode; htmlFor?: string }) {
  const err = problems?.length ? problems.map((p) => p.message).join('; ') : undefined;
  return (
    <Form.Item label={label} htmlFor={htmlFor} validateStatus={err ? 'error' : undefined} help={err} extra={hint}>
      {children}
    </Form.Item>
  );
}

export function FieldProperties({ state, uid, dispatch, problems, forms, formulaResults, types, labels, publishedOptions }: Props) {
  const { t, label } = useI18n();
  const found = findField(state, uid);
  if (!found) return null;
  const { field, parent } = found;
  const def = field.def;
  const inSub = parent !== null;
  const settings = settingsFor(def.type, inSub);
  const locked = isLocked(state, uid);
  const set = (patch: Partial<FieldDef>) => dispatch({ type: 'update', uid, patch });
  const siblings = (parent ? parent.columns ?? [] : state.fields).filter((f) => f.uid !== uid).map((f) => f.def.key);
  const keyProblem = checkFieldKey(def.key, siblings);
  const p = (k: string) => problems[k] ?? [];
  const scope: NameChoice[] = (parent ? parent.columns ?? [] : state.fields)
    .filter((f) => f.uid !== uid && f.def.type !== 'sub_table')
    .map((f) => ({ key: f.def.key, label: f.def.label }))
    .concat(
      inSub
        ? []
        : state.fields.filter((f) => f.def.type === 'sub_table').map((f) => ({ key: `sum(${f.def.key}, .${f.columns?.[0]?.def.key ?? 'x'})`, label: f.def.label })),
    );
  const relations = (parent ? parent.columns ?? [] : state.fields)
    .filter((f) => f.uid !== uid && f.def.type === 'relation' && !f.def.multiple)
    .map((f) => f.def);
  const isPercent = def.type === 'percent';
  const toShown = (v: number | undefined) => (v === undefined ? null : isPercent ? Number((v * 100).toFixed(4)) : v);
  const fromShown = (v: number | null) => (v === null ? undefined : isPercent ? Number((v / 100).toFixed(6)) : v);
  const resultNumeric = def.type === 'formula' && ['decimal', 'money', 'percent'].includes(def.result ?? 'decimal');
  const id = (s: string) => `prop-${s}`;

  return (
    <div className="properties" data-testid="field-properties">
      <div className="properties-head">
        <TypeIcon type={def.type} />
        <Typography.Text strong>{typeLabel(t, def.type)}</Typography.Text>
        {inSub && (
          <Tag className="muted" onClick={() => dispatch({ type: 'select', uid: parent.uid })} style={{ cursor: 'pointer' }}>
            {t('designer.columnOf', { table: label(parent.def.label) })}
          </Tag>
        )}
        {locked && (
          <Tooltip title={t('designer.lockedHint')}>
            <Tag icon={<LockOutlined />} color="blue">
              {t('designer.published')}
            </Tag>
          </Tooltip>
        )}
      </div>
      {p('').map((x, i) => (
        <div key={i} className="field-error">
          {x.message}
        </div>
      ))}
      <Form layout="vertical" component="div" size="middle">
        <Setting label={t('prop.label')} problems={p('label')} htmlFor={id('label')}>
          <Input id={id('label')} value={def.label} onChange={(e) => set({ label: e.target.value })} maxLength={200} />
        </Setting>
        <Setting
          label={t('prop.key')}
          htmlFor={id('key')}
          problems={[...p('key'), ...(keyProblem ? [{ path: '/key', message: t(keyProblem) }] : [])]}
          hint={locked ? t('designer.lockedHint') : field.keyEdited ? t('designer.keyEdited') : t('designer.keyDerived')}
        >
          <Input
            id={id('key')}
            className="mono"
            value={def.key}
            disabled={locked}
            onChange={(e) => dispatch({ type: 'setKey', uid, key: e.target.value })}
            maxLength={48}
          />
        </Setting>
        <Setting label={t('prop.help')} problems={p('help')} htmlFor={id('help')}>
          <Input.TextArea id={id('help')} value={def.help ?? ''} onChange={(e) => set({ help: e.target.value })} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Setting>
        <div className="switch-grid">
          {settings.has('required') && (
            <label>
              <Switch size="small" checked={!!def.required} onChange={(v) => set({ required: v })} /> {t('prop.required')}
            </label>
          )}
          {settings.has('read_only') && (
            <label>
              <Switch size="small" checked={!!def.read_only} onChange={(v) => set({ read_only: v })} /> {t('prop.readOnly')}
            </label>
          )}
          {settings.has('unique') && (
            <label>
              <Switch size="small" checked={!!def.unique} onChange={(v) => set({ unique: v })} /> {t('prop.unique')}
            </label>
          )}
          {settings.has('index') && (
            <label>
              <Switch size="small" checked={!!def.index} onChange={(v) => set({ index: v })} /> {t('prop.index')}
            </label>
          )}
        </div>

        {settings.has('formula') && (
          <>
            <Divider titlePlacement="start" plain>
              {t('prop.section.formula')}
            </Divider>
            <Setting label={t('prop.formula')} htmlFor={id('formula')} hint={t('prop.formulaHint')}>
              <ExpressionInput
                id={id('formula')}
                aria-label={t('prop.formula')}
                value={def.formula ?? ''}
                onChange={(v) => set({ formula: v })}
                problems={p('formula')}
                names={scope}
                placeholder="qty * unit_price"
              />
            </Setting>
            <Setting label={t('prop.result')} problems={p('result')} htmlFor={id('result')}>
              <Select
                id={id('result')}
                value={def.result ?? 'decimal'}
                onChange={(v) => set({ result: v })}
                options={formulaResults.map((r) => ({ value: r, label: typeLabel(t, r) }))}
              />
            </Setting>
            {resultNumeric && (
              <Setting label={t('prop.scale')} problems={p('scale')} htmlFor={id('scale')}>
                <InputNumber id={id('scale')} min={0} max={6} precision={0} value={def.scale ?? null} placeholder="2" onChange={(v) => set({ scale: v ?? undefined })} />
              </Setting>
            )}
          </>
        )}

        {(settings.has('range') || settings.has('length') || settings.has('pattern') || settings.has('scale') || settings.has('currency')) && (
          <Divider titlePlacement="start" plain>
            {t('prop.section.validation')}
          </Divider>
        )}
        {settings.has('range') && (
          <div className="pair-grid">
            <Setting label={isPercent ? t('prop.minPercent') : t('prop.min')} problems={p('min')} htmlFor={id('min')}>
              <InputNumber id={id('min')} value={toShown(def.min)} onChange={(v) => set({ min: fromShown(v) })} style={{ width: '100%' }} />
            </Setting>
            <Setting label={isPercent ? t('prop.maxPercent') : t('prop.max')} problems={p('max')} htmlFor={id('max')}>
              <InputNumber id={id('max')} value={toShown(def.max)} onChange={(v) => set({ max: fromShown(v) })} style={{ width: '100%' }} />
            </Setting>
          </div>
        )}
        {settings.has('scale') && (
          <Setting label={t('prop.scale')} problems={p('scale')} htmlFor={id('scale')}>
            <InputNumber
              id={id('scale')}
              min={0}
              max={6}
              precision={0}
              value={def.scale ?? null}
              placeholder={isPercent ? '4' : '2'}
              onChange={(v) => set({ scale: v ?? undefined })}
            />
          </Setting>
        )}
        {settings.has('currency') && (
          <Setting label={t('prop.currency')} problems={p('currency')} htmlFor={id('currency')}>
            <Select
              id={id('currency')}
              allowClear
              value={def.currency}
              placeholder="CNY"
              onChange={(v) => set({ currency: v ?? undefined })}
              options={currencies.map((c) => ({ value: c, label: c }))}
            />
          </Setting>
        )}
        {settings.has('length') && (
          <div className="pair-grid">
            <Setting label={t('prop.minLength')} problems={p('min_length')} htmlFor={id('min_length')}>
              <InputNumber id={id('min_length')} min={0} precision={0} value={def.min_length ?? null} onChange={(v) => set({ min_length: v ?? undefined })} style={{ width: '100%' }} />
            </Setting>
            <Setting label={t('prop.maxLength')} problems={p('max_length')} htmlFor={id('max_length')}>
              <InputNumber id={id('max_length')} min={0} precision={0} value={def.max_length ?? null} onChange={(v) => set({ max_length: v ?? undefined })} style={{ width: '100%' }} />
            </Setting>
          </div>
        )}
        {settings.has('pattern') && (
          <Setting label={t('prop.pattern')} problems={p('pattern')} hint={t('prop.patternHint')} htmlFor={id('pattern')}>
            <Input id={id('pattern')} className="mono" value={def.pattern ?? ''} onChange={(e) => set({ pattern: e.target.value })} placeholder="^[A-Z0-9-]{3,32}$" />
          </Setting>
        )}

        {settings.has('options') && (
          <>
            <Divider titlePlacement="start" plain>
              {t('prop.options')}
            </Divider>
            <OptionsEditor
              value={def.options ?? []}
              onChange={(options) => set({ options })}
              problems={[...p('options')].map((x) => ({ ...x, path: x.path.replace(/^\/options/, '') }))}
              lockedValues={locked ? publishedOptions[def.key] ?? [] : []}
            />
          </>
        )}

        {settings.has('target') && (
          <>
            <Divider titlePlacement="start" plain>
              {t('prop.section.link')}
            </Divider>
            <Setting label={t('prop.target')} problems={p('target')} htmlFor={id('target')}>
              <Select
                id={id('target')}
                value={def.target}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('prop.targetPick')}
                onChange={(v) => set({ target: v })}
                options={forms.map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))}
              />
            </Setting>
            {settings.has('multiple') && (
              <label className="switch-line">
                <Switch size="small" checked={!!def.multiple} onChange={(v) => set({ multiple: v })} /> {t('prop.multiple')}
              </label>
            )}
          </>
        )}

        {settings.has('columns') && (
          <>
            <Divider titlePlacement="start" plain>
              {t('prop.columns')}
            </Divider>
            <div className="column-list">
              {(field.columns ?? []).map((c) => (
                <Button key={c.uid} block className="column-button" onClick={() => dispatch({ type: 'select', uid: c.uid })}>
                  <TypeIcon type={c.def.type} /> <span>{label(c.def.label)}</span> <code className="muted">{c.def.key}</code>
                </Button>
              ))}
            </div>
            <Select
              className="add-column"
              value={null}
              placeholder={
                <span>
                  <PlusOutlined /> {t('prop.addColumn')}
                </span>
              }
              aria-label={t('prop.addColumn')}
              onChange={(type: string) =>
                dispatch({ type: 'add', fieldType: type, container: uid, index: field.columns?.length ?? 0, labels, target: forms[0]?.key })
              }
              options={types.filter(allowedInSubTable).map((x) => ({ value: x, label: typeLabel(t, x) }))}
              style={{ width: '100%' }}
            />
            {p('fields').map((x, i) => (
              <div key={i} className="field-error">
                {x.message}
              </div>
            ))}
          </>
        )}

        {settings.has('format') && (
          <Setting label={t('prop.format')} problems={p('format')} hint={t('prop.formatHint')} htmlFor={id('format')}>
            <Input id={id('format')} className="mono" value={def.format ?? ''} onChange={(e) => set({ format: e.target.value })} />
          </Setting>
        )}

        {settings.has('attachment') && (
          <>
            <Divider titlePlacement="start" plain>
              {t('prop.section.files')}
            </Divider>
            <Setting label={t('prop.maxFiles')} problems={p('max_files')} htmlFor={id('max_files')}>
              <InputNumber id={id('max_files')} min={1} max={100} precision={0} value={def.max_files ?? null} onChange={(v) => set({ max_files: v ?? undefined })} />
            </Setting>
            <Setting label={t('prop.maxSizeMB')} problems={p('max_size')} htmlFor={id('max_size')}>
              <InputNumber
                id={id('max_size')}
                min={0.1}
                step={1}
                value={def.max_size ? Number((def.max_size / 1048576).toFixed(1)) : null}
                onChange={(v) => set({ max_size: v ? Math.round(v * 1048576) : undefined })}
              />
            </Setting>
            <Setting label={t('prop.accept')} problems={p('accept')} htmlFor={id('accept')}>
              <Select
                id={id('accept')}
                mode="tags"
                value={def.accept ?? []}
                onChange={(v: string[]) => set({ accept: v })}
                options={['application/pdf', 'image/*', 'text/csv'].map((x) => ({ value: x, label: x }))}
                placeholder={t('prop.acceptAny')}
              />
            </Setting>
          </>
        )}

        <Divider titlePlacement="start" plain>
          {t('prop.section.logic')}
        </Divider>
        {settings.has('fill') && relations.length > 0 && (
          <FillSetting def={def} relations={relations} onChange={(fill) => set({ fill })} problems={p('fill')} />
        )}
        {settings.has('default') && (
          <Setting label={t('prop.default')} hint={t('prop.defaultHint')} htmlFor={id('default')}>
            <ExpressionInput
              id={id('default')}
              aria-label={t('prop.default')}
              value={def.default ?? ''}
              onChange={(v) => set({ default: v })}
              problems={p('default')}
              names={[{ key: 'today()', label: t('expr.today') }, { key: 'user.id', label: t('expr.userId') }, ...scope]}
              placeholder={isNumeric(def.type) ? '0' : def.type === 'date' ? 'today()' : '"…"'}
            />
          </Setting>
        )}
        <Setting label={t('prop.visibleIf')} hint={t('prop.visibleIfHint')} htmlFor={id('visible_if')}>
          <ExpressionInput
            id={id('visible_if')}
            aria-label={t('prop.visibleIf')}
            value={def.visible_if ?? ''}
            onChange={(v) => set({ visible_if: v })}
            problems={p('visible_if')}
            names={scope}
            placeholder="amount > 100000"
          />
        </Setting>
      </Form>
      <Popconfirm
        title={locked ? t('designer.removePublished') : t('designer.removeConfirm')}
        okText={t('common.remove')}
        okButtonProps={{ danger: true }}
        cancelText={t('common.cancel')}
        onConfirm={() => dispatch({ type: 'remove', uid })}
      >
        <Button danger icon={<DeleteOutlined />} block className="remove-field">
          {t('designer.removeField')}
        </Button>
      </Popconfirm>
    </div>
  );
}
