// "Fill from": a field takes its value from the record one of the form's
// relations links to (forms/fill.go). The analyst picks the relation, then
// a field of its target form whose values fit.

import { useEffect, useState } from 'react';
import { Form, Select, Switch } from 'antd';
import { forms } from '../api/forms';
import type { FieldDef, FieldFill, Problem } from '../api/types';
import { useI18n } from '../i18n';

const textLike = ['text', 'long_text', 'email', 'phone', 'url', 'select', 'auto_number'];

/** Types each field type may be filled from, as the server checks them; a
 * type not listed takes only its own. */
const sources: Record<string, string[]> = {
  decimal: ['integer', 'decimal', 'money'],
  money: ['integer', 'decimal', 'money'],
  percent: ['decimal', 'percent'],
  text: textLike,
  long_text: textLike,
  datetime: ['date', 'datetime'],
};

/** Whether a field of type dst may take src's values (selects and links
 * are checked further on publish). */
export function fillFits(dst: FieldDef, src: FieldDef): boolean {
  if (src.type === 'sub_table' || src.type === 'attachment') return false;
  const type = src.type === 'formula' ? (src.result ?? 'decimal') : src.type;
  if (!(sources[dst.type] ?? [dst.type]).includes(type)) return false;
  return dst.type !== 'relation' || (src.target === dst.target && !!src.multiple === !!dst.multiple);
}

interface Props {
  def: FieldDef;
  /** The single relations beside the field (same form, or same row). */
  relations: FieldDef[];
  onChange(fill: FieldFill | undefined): void;
  problems: Problem[];
}

export function FillSetting({ def, relations, onChange, problems }: Props) {
  const { t, label } = useI18n();
  const fill = def.fill;
  const target = relations.find((r) => r.key === fill?.from)?.target;
  const [targetFields, setTargetFields] = useState<FieldDef[]>([]);
  useEffect(() => {
    let live = true;
    if (!target) {
      setTargetFields([]);
      return;
    }
    forms
      .get(target)
      .then((d) => live && setTargetFields(d.definition.fields))
      .catch(() => live && setTargetFields([]));
    return () => {
      live = false;
    };
  }, [target]);
  const err = problems.length ? problems.map((p) => p.message).join('; ') : undefined;
  return (
    <Form.Item label={t('prop.fill')} extra={t('prop.fillHint')} validateStatus={err ? 'error' : undefined} help={err}>
      <Select
        id="prop-fill-from"
        aria-label={t('prop.fillFrom')}
        allowClear
        value={fill?.from}
        placeholder={t('prop.fillFrom')}
        onChange={(from?: string) => onChange(from ? { from, field: '' } : undefined)}
        options={relations.map((r) => ({ value: r.key, label: `${label(r.label)} (${r.key})` }))}
      />
      {fill && (
        <>
          <Select
            id="prop-fill-field"
            aria-label={t('prop.fillField')}
            style={{ marginTop: 8, width: '100%' }}
            value={fill.field || undefined}
            placeholder={t('prop.fillField')}
            onChange={(field: string) => onChange({ ...fill, field })}
            options={targetFields.filter((f) => fillFits(def, f)).map((f) => ({ value: f.key, label: `${label(f.label)} (${f.key})` }))}
          />
          <label className="switch-line">
            <Switch size="small" checked={fill.mode === 'empty'} onChange={(v) => onChange({ ...fill, mode: v ? 'empty' : undefined })} />{' '}
            {t('prop.fillOnlyEmpty')}
          </label>
        </>
      )}
    </Form.Item>
  );
}
