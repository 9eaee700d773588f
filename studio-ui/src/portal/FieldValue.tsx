// A tracked record's read-only value, formatted for the reader.

import { useI18n } from '../i18n';
import type { PortalRecord } from './api';

type Field = PortalRecord['fields'][number];

/** The record's currency: a select among its fields holding an ISO code. */
export function currencyOf(fields: Field[]): string | undefined {
  const f = fields.find((x) => x.type === 'select' && typeof x.value === 'string' && /^[A-Z]{3}$/.test(x.value));
  return f?.value as string | undefined;
}

export function FieldValue({ field, currency }: { field: Field; currency?: string }) {
  const { fmt, label } = useI18n();
  const v = field.value;
  if (v === null || v === undefined || v === '') return <>—</>;
  switch (field.type) {
    case 'money':
      return <>{fmt.money(Number(v), currency ?? 'CNY')}</>;
    case 'decimal':
    case 'integer':
      return <>{fmt.number(Number(v))}</>;
    case 'date':
      return <>{fmt.date(String(v))}</>;
    case 'datetime':
      return <>{fmt.dateTime(String(v))}</>;
    case 'select':
      return <>{label(field.text ?? String(v))}</>;
    default:
      return <>{String(v)}</>;
  }
}
