import { Button, Input, Space, Tooltip } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { FieldOption, Problem } from '../api/types';
import { useI18n } from '../i18n';

interface Props {
  value: FieldOption[];
  onChange(v: FieldOption[]): void;
  problems: Problem[];
  /** Values already stored in records: changing them would orphan those. */
  lockedValues: string[];
}

/** The choices of a select: what users see, and the stable value stored. */
export function OptionsEditor({ value, onChange, problems, lockedValues }: Props) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<FieldOption>) => onChange(value.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  const move = (i: number, d: number) => {
    const next = value.slice();
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x);
    onChange(next);
  };
  const add = () => {
    const taken = new Set(value.map((o) => o.value));
    let n = value.length + 1;
    while (taken.has(`option_${n}`)) n++;
    onChange([...value, { value: `option_${n}`, label: t('designer.optionN', { n }) }]);
  };
  const problemAt = (i: number) => problems.filter((p) => p.path.startsWith(`/${i}/`) || p.path === `/${i}`);
  return (
    <div className="options-editor">
      <div className="options-head muted small">
        <span>{t('designer.optionLabel')}</span>
        <span>{t('designer.optionValue')}</span>
      </div>
      {value.map((o, i) => {
        const ps = problemAt(i);
        return (
          <div key={i} className="option-row">
            <Space.Compact block>
              <Input
                aria-label={t('designer.optionLabelN', { n: i + 1 })}
                value={o.label}
                onChange={(e) => set(i, { label: e.target.value })}
                status={ps.some((p) => p.path.endsWith('/label')) ? 'error' : undefined}
              />
              <Input
                aria-label={t('designer.optionValueN', { n: i + 1 })}
                className="mono"
                value={o.value}
                disabled={lockedValues.includes(o.value)}
                onChange={(e) => set(i, { value: e.target.value })}
                status={ps.some((p) => p.path.endsWith('/value')) ? 'error' : undefined}
              />
            </Space.Compact>
            <Tooltip title={t('common.moveUp')}>
              <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('common.moveUp')} />
            </Tooltip>
            <Tooltip title={t('common.moveDown')}>
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                disabled={i === value.length - 1}
                onClick={() => move(i, 1)}
                aria-label={t('common.moveDown')}
              />
            </Tooltip>
            <Tooltip title={t('common.remove')}>
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                disabled={value.length <= 1}
                onClick={() => onChange(value.filter((_, j) => j !== i))}
                aria-label={t('common.remove')}
              />
            </Tooltip>
            {ps.map((p, k) => (
              <div key={k} className="field-error">
                {p.message}
              </div>
            ))}
          </div>
        );
      })}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={add} block>
        {t('designer.addOption')}
      </Button>
    </div>
  );
}
