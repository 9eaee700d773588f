import { useDraggable } from '@dnd-kit/core';
import { Typography } from 'antd';
import { useI18n, type MessageKey } from '../i18n';
import { paletteItems, type PaletteItem } from './model';
import { looks } from './nodeLook';

function Item({ item, onAdd }: { item: PaletteItem; onAdd(item: PaletteItem): void }) {
  const { t } = useI18n();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `palette-${item}`, data: { item } });
  return (
    <div
      ref={setNodeRef}
      {...listeners}
      {...attributes}
      role="button"
      tabIndex={0}
      className={`palette-item${isDragging ? ' dragging' : ''}`}
      data-testid={`palette-${item}`}
      data-item={item}
      title={t(`flow.kindHint.${item}` as MessageKey)}
      onClick={() => onAdd(item)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onAdd(item);
        }
      }}
    >
      <span style={{ color: looks[item].color, display: 'inline-flex' }}>{looks[item].icon}</span>
      {t(`flow.kind.${item}` as MessageKey)}
    </div>
  );
}

/** Every kind of node: dragged onto the canvas, or clicked (or Enter) to add
 * it below the selected node. */
export function NodePalette({ onAdd }: { onAdd(item: PaletteItem): void }) {
  const { t } = useI18n();
  return (
    <aside className="palette" aria-label={t('flow.palette')}>
      <Typography.Text type="secondary" className="panel-title">
        {t('flow.palette')}
      </Typography.Text>
      <div className="palette-grid one-column">
        {paletteItems.map((i) => (
          <Item key={i} item={i} onAdd={onAdd} />
        ))}
      </div>
      <Typography.Paragraph type="secondary" className="flow-palette-hint">
        {t('flow.paletteHint')}
      </Typography.Paragraph>
    </aside>
  );
}
