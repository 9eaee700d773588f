import { useDraggable } from '@dnd-kit/core';
import { Tooltip, Typography } from 'antd';
import { useI18n } from '../i18n';
import { groupOf, groupOrder } from './fieldTypes';
import { TypeIcon } from './typeIcons';
import { typeHint, typeLabel } from './typeLabel';

export const paletteId = (type: string) => `palette:${type}`;

function PaletteItem({ type, onAdd }: { type: string; onAdd(type: string): void }) {
  const { t } = useI18n();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: paletteId(type), data: { from: 'palette', type } });
  return (
    <Tooltip title={typeHint(t, type)} placement="right" mouseEnterDelay={0.6}>
      <div
        ref={setNodeRef}
        {...listeners}
        {...attributes}
        role="button"
        aria-label={t('designer.addType', { type: typeLabel(t, type) })}
        className={`palette-item${isDragging ? ' dragging' : ''}`}
        data-type={type}
        // note: Enter adds at the end, for those who do not drag.
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            onAdd(type);
          } else listeners?.onKeyDown?.(e);
        }}
        onDoubleClick={() => onAdd(type)}
      >
        <TypeIcon type={type} />
        <span>{typeLabel(t, type)}</span>
      </div>
    </Tooltip>
  );
}

/** Every field type the server knows, grouped; drag one onto the canvas
 * (or press Enter, or double-click, to add it at the end). */
export function Palette({ types, onAdd }: { types: string[]; onAdd(type: string): void }) {
  const { t, lang } = useI18n();
  return (
    <aside className="palette" aria-label={t('designer.palette')}>
      <Typography.Text type="secondary" className="panel-title">
        {t('designer.palette')}
      </Typography.Text>
      {groupOrder.map((g) => {
        const list = types.filter((x) => groupOf(x) === g);
        if (!list.length) return null;
        return (
          <div key={g} className="palette-group">
            <div className="palette-group-title">{t(`group.${g}`)}</div>
            {/* note: English names are too long for two columns. */}
            <div className={`palette-grid${lang === 'en' ? ' one-column' : ''}`}>
              {list.map((type) => (
                <PaletteItem key={type} type={type} onAdd={onAdd} />
              ))}
            </div>
          </div>
        );
      })}
    </aside>
  );
}
