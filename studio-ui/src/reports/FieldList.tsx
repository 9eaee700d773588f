// The fields the analyst drags into a report: the source form's, then the
// related forms' the analyst ticked.

import { Checkbox, Dropdown, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useDraggable } from '@dnd-kit/core';
import type { FormDefinition } from '../api/types';
import { useI18n } from '../i18n';
import { isDate, isNumeric, relationsOf, type FieldInfo, type Zone } from './reportModel';

interface Props {
  source: FormDefinition;
  related: string[];
  onRelated(keys: string[]): void;
  fields: FieldInfo[];
  /** Adds a field to a zone without dragging (keyboard). */
  onAdd(zone: Zone, f: FieldInfo): void;
}

export function FieldList({ source, related, onRelated, fields, onAdd }: Props) {
  const { t, label } = useI18n();
  const rels = relationsOf(source);
  return (
    <div className="report-fields">
      {rels.length > 0 && (
        <div className="report-related">
          <Typography.Text type="secondary" className="small">
            {t('reports.related')}
          </Typography.Text>
          <Checkbox.Group
            value={related}
            onChange={(v) => onRelated(v as string[])}
            options={rels.map((r) => ({ value: r.key, label: label(r.label) }))}
          />
        </div>
      )}
      <Typography.Text type="secondary" className="small">
        {t('reports.dragHint')}
      </Typography.Text>
      <div className="report-field-list">
        {fields.map((f) => (
          <FieldChip key={f.path} field={f} onAdd={onAdd} />
        ))}
      </div>
    </div>
  );
}

function FieldChip({ field, onAdd }: { field: FieldInfo; onAdd: Props['onAdd'] }) {
  const { t, label } = useI18n();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `field:${field.path}`, data: { field } });
  const kind = isNumeric(field.type) ? 'num' : isDate(field.type) ? 'date' : 'text';
  const zones: Zone[] = ['dimensions', 'measures', 'filters', 'drill'];
  return (
    <div
      ref={setNodeRef}
      className={`report-field ${kind}${isDragging ? ' dragging' : ''}`}
      data-testid={`field-${field.path}`}
      {...listeners}
      {...attributes}
    >
      <Tag bordered={false} className="report-field-type">
        {kind === 'num' ? '#' : kind === 'date' ? '◷' : 'Aa'}
      </Tag>
      <span className="report-field-label">{label(field.label)}</span>
      <Dropdown
        trigger={['click']}
        menu={{ items: zones.map((z) => ({ key: z, label: t(`reports.addTo.${z}`) })), onClick: ({ key }) => onAdd(key as Zone, field) }}
      >
        <button type="button" className="report-field-add" aria-label={t('reports.addField', { field: label(field.label) })} onPointerDown={(e) => e.stopPropagation()}>
          <PlusOutlined />
        </button>
      </Dropdown>
    </div>
  );
}
