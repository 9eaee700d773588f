import { Button, Table, Tooltip } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { RecordValue } from '../api/types';
import { useI18n } from '../i18n';
import { FieldControl, ValueText } from './FieldControl';
import type { RenderField } from './recordModel';

interface Props {
  field: RenderField;
  /** Rows as typed. */
  rows: RecordValue[];
  /** Rows with their formulas filled in. */
  computed: RecordValue[];
  /** cell is the changed value's path within the table ("/0/qty"). */
  onChange(rows: RecordValue[], cell?: string): void;
  /** Problems by path relative to the sub-table: "/0/qty". */
  errorAt(path: string): string | undefined;
  pending: Record<string, string>;
  disabled?: boolean;
  formKey?: string;
}

/** Rows of a sub-table (order lines): a column per field, formulas computed
 * per row as the user types. */
export function SubTableEditor({ field, rows, computed, onChange, errorAt, pending, disabled, formKey }: Props) {
  const { t, label } = useI18n();
  const columns = field.columns ?? [];
  const setCell = (i: number, key: string, v: unknown) =>
    onChange(
      rows.map((r, j) => (j === i ? { ...r, [key]: v } : r)),
      `/${i}/${key}`,
    );
  const remove = (i: number) => onChange(rows.filter((_, j) => j !== i));
  const data = rows.map((_, i) => ({ key: i }));
  return (
    <div className="sub-table" data-testid={`subtable-${field.def.key}`}>
      <Table
        size="small"
        bordered
        pagination={false}
        dataSource={data}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('record.noRows') }}
        columns={[
          { title: '#', width: 44, render: (_: unknown, __: unknown, i: number) => i + 1 },
          ...columns.map((c) => ({
            key: c.def.key,
            title: (
              <span className={c.schema?.['x-required'] ? 'required-mark' : undefined} title={c.def.help}>
                {label(c.def.label)}
              </span>
            ),
            width: c.def.type === 'text' || c.def.type === 'relation' ? 220 : 150,
            render: (_: unknown, __: unknown, i: number) => {
              const err = errorAt(`/${i}/${c.def.key}`);
              const cellId = `${field.def.key}-${i}-${c.def.key}`;
              const control =
                c.mode === 'edit' ? (
                  <FieldControl
                    id={cellId}
                    def={c.def}
                    value={rows[i]?.[c.def.key]}
                    onChange={(v) => setCell(i, c.def.key, v)}
                    disabled={disabled}
                    status={err ? 'error' : undefined}
                    formKey={formKey}
                  />
                ) : (
                  <ValueText def={c.def} value={computed[i]?.[c.def.key]} pending={pending[`/${field.def.key}/${i}/${c.def.key}`]} />
                );
              return (
                <div>
                  {control}
                  {err && (
                    <div className="field-error" role="alert">
                      {err}
                    </div>
                  )}
                </div>
              );
            },
          })),
          {
            key: 'actions',
            width: 48,
            render: (_: unknown, __: unknown, i: number) => (
              <Tooltip title={t('record.removeRow')}>
                <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={t('record.removeRow')} onClick={() => remove(i)} disabled={disabled} />
              </Tooltip>
            ),
          },
        ]}
      />
      <Button type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...rows, {}])} disabled={disabled} className="sub-table-add">
        {t('record.addRow')}
      </Button>
    </div>
  );
}
