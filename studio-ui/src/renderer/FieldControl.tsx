// The input for one field, by its type.

import { DatePicker, Input, InputNumber, Select, Switch, Tooltip } from 'antd';
import { FunctionOutlined, NumberOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { FieldDef } from '../api/types';
import { useI18n } from '../i18n';
import { AttachmentInput, DepartmentSelect, PersonName, RelationSelect, UserSelect, type ControlProps } from './lookups';

/** The symbol of a currency in the current language: ¥, US$, €. */
export function currencySymbol(currency: string, locale: string): string {
  try {
    const parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

/** "1234567.5" → "1,234,567.5": separators in the whole part only. */
export function groupDigits(s: string): string {
  const [whole, frac] = s.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

function scaleOf(def: FieldDef): number {
  return def.scale ?? (def.type === 'percent' ? 4 : 2);
}

function NumberInput({ def, value, onChange, disabled, status, id }: ControlProps) {
  const { lang } = useI18n();
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : null;
  const common = { id, disabled, status, style: { width: '100%' } };
  switch (def.type) {
    case 'integer':
      return <InputNumber<number> {...common} precision={0} value={n} onChange={(v) => onChange(v)} />;
    case 'percent': {
      const digits = Math.max(0, scaleOf(def) - 2);
      return (
        <InputNumber<number>
          {...common}
          suffix="%"
          precision={digits}
          value={n === null ? null : Number((n * 100).toFixed(digits))}
          onChange={(v) => onChange(v === null ? null : Number((v / 100).toFixed(scaleOf(def))))}
        />
      );
    }
    case 'money':
      return (
        <InputNumber<number>
          {...common}
          prefix={currencySymbol(def.currency ?? 'CNY', lang === 'zh' ? 'zh-CN' : 'en-US')}
          precision={scaleOf(def)}
          formatter={(v, info) =>
            info.userTyping ? (info.input ?? '') : v === undefined || String(v) === '' ? '' : groupDigits(Number(v).toFixed(scaleOf(def)))
          }
          parser={(v) => Number((v ?? '').replace(/[^\d.-]/g, ''))}
          value={n}
          onChange={(v) => onChange(v)}
        />
      );
    default:
      return <InputNumber<number> {...common} precision={scaleOf(def)} value={n} onChange={(v) => onChange(v)} />;
  }
}

/** The control of a field the user edits. */
export function FieldControl(props: ControlProps) {
  const { def, value, onChange, disabled, status, id } = props;
  const { t, label } = useI18n();
  const str = typeof value === 'string' ? value : value == null ? '' : String(value);
  switch (def.type) {
    case 'long_text':
      return (
        <Input.TextArea
          id={id}
          value={str}
          onChange={(e) => onChange(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={def.max_length}
          disabled={disabled}
          status={status}
        />
      );
    case 'email':
    case 'phone':
    case 'url':
    case 'text':
      return (
        <Input
          id={id}
          type={def.type === 'email' ? 'email' : def.type === 'phone' ? 'tel' : def.type === 'url' ? 'url' : 'text'}
          value={str}
          onChange={(e) => onChange(e.target.value)}
          maxLength={def.max_length}
          disabled={disabled}
          status={status}
          placeholder={def.type === 'url' ? 'https://' : undefined}
        />
      );
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
      return <NumberInput {...props} />;
    case 'boolean':
      return <Switch id={id} checked={value === true} onChange={(v) => onChange(v)} disabled={disabled} />;
    case 'date':
      return (
        <DatePicker
          id={id}
          value={str ? dayjs(str) : null}
          onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)}
          disabled={disabled}
          status={status}
          style={{ width: '100%' }}
        />
      );
    case 'datetime':
      return (
        <DatePicker
          id={id}
          showTime
          value={str ? dayjs(str) : null}
          onChange={(d) => onChange(d ? d.toISOString() : null)}
          disabled={disabled}
          status={status}
          style={{ width: '100%' }}
        />
      );
    case 'select':
    case 'multi_select':
      return (
        <Select
          id={id}
          mode={def.type === 'multi_select' ? 'multiple' : undefined}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          value={(value as string | string[] | null) ?? undefined}
          onChange={(v) => onChange(v ?? null)}
          options={(def.options ?? []).map((o) => ({ value: o.value, label: label(o.label) }))}
          disabled={disabled}
          status={status}
          placeholder={t('record.choose')}
        />
      );
    case 'relation':
      return <RelationSelect {...props} />;
    case 'user':
      return <UserSelect {...props} />;
    case 'department':
      return <DepartmentSelect {...props} />;
    case 'attachment':
      return <AttachmentInput {...props} />;
    case 'auto_number':
      return <Input id={id} disabled prefix={<NumberOutlined />} value={str} placeholder={t('record.autoNumber')} />;
    default:
      return <Input id={id} value={str} onChange={(e) => onChange(e.target.value)} disabled={disabled} status={status} />;
  }
}

/** A value shown, not edited: formulas, read-only fields. */
export function ValueText({ def, value, pending }: { def: FieldDef; value: unknown; pending?: string }) {
  const { t, fmt, label } = useI18n();
  const icon = def.type === 'formula' ? <FunctionOutlined className="muted" /> : null;
  if (pending) {
    return (
      <Tooltip title={`${t('record.computedOnSave')} (${pending})`}>
        <span className="value-text muted">
          {icon} {t('record.computedOnSave')}
        </span>
      </Tooltip>
    );
  }
  const empty = def.type === 'auto_number' ? t('record.autoNumber') : '—';
  if (def.type === 'user' && typeof value === 'number') {
    return (
      <span className="value-text" data-testid={`value-${def.key}`}>
        <PersonName id={value} />
      </span>
    );
  }
  return (
    <span className="value-text" data-testid={`value-${def.key}`}>
      {icon} {formatValue(def, value, { t, fmt, label }) || <span className="muted">{empty}</span>}
    </span>
  );
}

type Fmt = Pick<ReturnType<typeof useI18n>, 't' | 'fmt' | 'label'>;

/** A field's value as text in the user's language. */
export function formatValue(def: FieldDef, value: unknown, { t, fmt, label }: Fmt): string {
  if (value === null || value === undefined || value === '') return '';
  const type = def.type === 'formula' ? (def.result ?? 'decimal') : def.type;
  const n = typeof value === 'number' ? value : Number(value);
  switch (type) {
    case 'money':
      return Number.isNaN(n) ? String(value) : fmt.money(n, def.currency ?? 'CNY', def.scale ?? 2);
    case 'percent':
      return Number.isNaN(n) ? String(value) : fmt.percent(n, def.scale ?? 4);
    case 'decimal':
      return Number.isNaN(n) ? String(value) : fmt.number(n, def.scale ?? 2);
    case 'integer':
      return Number.isNaN(n) ? String(value) : fmt.number(n, 0);
    case 'boolean':
      return value === true ? t('common.yes') : t('common.no');
    case 'date':
      return fmt.date(String(value));
    case 'datetime':
      return fmt.dateTime(String(value));
    case 'select':
      return label(def.options?.find((o) => o.value === value)?.label ?? String(value));
    case 'multi_select':
      return (value as string[]).map((v) => label(def.options?.find((o) => o.value === v)?.label ?? v)).join(', ');
    case 'relation':
    case 'user':
    case 'department':
      return Array.isArray(value) ? value.map((v) => `#${v}`).join(', ') : `#${String(value)}`;
    case 'attachment':
      return t('record.files', { n: (value as unknown[]).length });
    default:
      return String(value);
  }
}
