// The canvas: the form's fields in order, sortable by drag (or by keyboard:
// Space on a handle, then the arrows), and the target of palette drags. A
// sub-table shows its columns, which sort among themselves and take new
// columns dropped onto them.

import { createContext, useContext, useState, type ReactNode } from 'react';
import {
  closestCenter,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
  type Over,
  type Active,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Badge, Button, Tooltip } from 'antd';
import { CopyOutlined, DeleteOutlined, EyeInvisibleOutlined, HolderOutlined, LockOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { ROOT, isLocked, type DField, type DesignerState } from './designerState';
import { allowedInSubTable } from './fieldTypes';
import { TypeIcon } from './typeIcons';
import { typeLabel } from './typeLabel';

export interface DropTarget {
  container: string;
  index: number;
}

type DragData = { from: 'palette'; type: string } | { from: 'field'; container: string; index: number } | { drop: 'container'; container: string };

const zoneId = (container: string) => `zone:${container}`;

function dataOf(x: { data: { current?: unknown } } | null | undefined): DragData | undefined {
  return x?.data.current as DragData | undefined;
}

/** Prefers the innermost place under the pointer: a column over its
 * sub-table, a sub-table's zone over the canvas. A field being sorted only
 * meets its own siblings. */
export const collision: CollisionDetection = (args) => {
  const active = dataOf(args.active);
  if (active && 'from' in active && active.from === 'field') {
    // note: the sibling under the pointer, not the one with the nearest
    // centre: a tall sub-table's centre is far from its top edge, where a
    // field moved above it is dropped.
    const siblings = args.droppableContainers.filter((c) => {
      const d = dataOf(c);
      return d && 'from' in d && d.from === 'field' && d.container === active.container;
    });
    const under = pointerWithin({ ...args, droppableContainers: siblings });
    return under.length ? under : closestCenter({ ...args, droppableContainers: siblings });
  }
  const paletteType = active && 'from' in active && active.from === 'palette' ? active.type : '';
  const allowed = (d: DragData | undefined) => {
    if (!d) return false;
    const container = 'container' in d ? d.container : ROOT;
    return container === ROOT || allowedInSubTable(paletteType);
  };
  const rank = (d: DragData | undefined) => {
    if (!d) return 9;
    const nested = 'container' in d && d.container !== ROOT;
    if ('from' in d) return nested ? 0 : 2;
    return nested ? 1 : 3;
  };
  const byId = new Map(args.droppableContainers.map((c) => [c.id, c]));
  const within = pointerWithin(args).filter((c) => allowed(dataOf(byId.get(c.id))));
  if (within.length) return within.sort((a, b) => rank(dataOf(byId.get(a.id))) - rank(dataOf(byId.get(b.id))));
  return closestCenter({ ...args, droppableContainers: args.droppableContainers.filter((c) => allowed(dataOf(c)) && rank(dataOf(c)) >= 2) });
};

/** Where a palette item dropped on over goes: before or after the field it
 * is over (by which half), or at the end of a zone. */
export function dropTarget(active: Active, over: Over | null, state: DesignerState): DropTarget | null {
  const d = dataOf(over);
  if (!over || !d) return null;
  if ('drop' in d) {
    const list = d.container === ROOT ? state.fields : state.fields.find((f) => f.uid === d.container)?.columns ?? [];
    return { container: d.container, index: list.length };
  }
  if (d.from !== 'field') return null;
  const rect = active.rect.current.translated;
  const below = rect ? rect.top + rect.height / 2 > over.rect.top + over.rect.height / 2 : false;
  return { container: d.container, index: d.index + (below ? 1 : 0) };
}

interface BoardProps {
  state: DesignerState;
  onAdd(type: string, target: DropTarget): void;
  onMove(uid: string, toIndex: number): void;
  children: ReactNode;
}

/** One drag-and-drop context for the palette and the canvas. */
export function DesignerBoard({ state, onAdd, onMove, children }: BoardProps) {
  const { t } = useI18n();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const [dragging, setDragging] = useState<DragData | null>(null);
  const [dropAt, setDropAt] = useState<DropTarget | null>(null);

  const start = (e: DragStartEvent) => setDragging(dataOf(e.active) ?? null);
  const moveOver = (e: DragMoveEvent) => {
    const a = dataOf(e.active);
    setDropAt(a && 'from' in a && a.from === 'palette' ? dropTarget(e.active, e.over, state) : null);
  };
  const end = (e: DragEndEvent) => {
    const a = dataOf(e.active);
    setDragging(null);
    setDropAt(null);
    if (!a || !('from' in a)) return;
    if (a.from === 'palette') {
      const target = dropTarget(e.active, e.over, state);
      if (target) onAdd(a.type, target);
      return;
    }
    const o = dataOf(e.over);
    if (o && 'from' in o && o.from === 'field' && o.container === a.container && e.active.id !== e.over?.id) {
      onMove(String(e.active.id), o.index);
    }
  };
  const cancel = () => {
    setDragging(null);
    setDropAt(null);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      onDragStart={start}
      onDragMove={moveOver}
      onDragEnd={end}
      onDragCancel={cancel}
      accessibility={{
        screenReaderInstructions: { draggable: t('dnd.instructions') },
      }}
    >
      <DropIndicatorContext.Provider value={dropAt}>{children}</DropIndicatorContext.Provider>
      <DragOverlay dropAnimation={null}>
        {dragging && 'from' in dragging && dragging.from === 'palette' ? (
          <div className="palette-item drag-overlay">
            <TypeIcon type={dragging.type} /> <span>{typeLabel(t, dragging.type)}</span>
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}

const DropIndicatorContext = createContext<DropTarget | null>(null);

function DropLine({ container, index }: DropTarget) {
  const at = useContext(DropIndicatorContext);
  if (!at || at.container !== container || at.index !== index) return null;
  return <div className="drop-line" aria-hidden="true" />;
}

interface CanvasProps {
  state: DesignerState;
  select(uid: string | null): void;
  remove(uid: string): void;
  duplicate(uid: string): void;
  /** How many problems the server found in each field, by uid. */
  problemCount: Record<string, number>;
}

export function Canvas({ state, select, remove, duplicate, problemCount }: CanvasProps) {
  const { t } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: zoneId(ROOT), data: { drop: 'container', container: ROOT } });
  return (
    <section
      className={`canvas${isOver ? ' over' : ''}`}
      aria-label={t('designer.canvas')}
      onClick={(e) => {
        if (e.target === e.currentTarget) select(null);
      }}
    >
      <div ref={setNodeRef} className="canvas-paper" data-testid="canvas" onClick={(e) => e.target === e.currentTarget && select(null)}>
        <div className="canvas-title" onClick={() => select(null)}>
          {state.title || t('designer.untitled')}
        </div>
        {state.fields.length === 0 ? (
          <div className="canvas-empty">
            <DropLine container={ROOT} index={0} />
            {t('designer.emptyCanvas')}
          </div>
        ) : (
          <SortableContext items={state.fields.map((f) => f.uid)} strategy={verticalListSortingStrategy}>
            {state.fields.map((f, i) => (
              <FieldTile
                key={f.uid}
                field={f}
                index={i}
                container={ROOT}
                state={state}
                select={select}
                remove={remove}
                duplicate={duplicate}
                problemCount={problemCount}
              />
            ))}
            <DropLine container={ROOT} index={state.fields.length} />
          </SortableContext>
        )}
      </div>
    </section>
  );
}

interface TileProps {
  field: DField;
  index: number;
  container: string;
  state: DesignerState;
  select(uid: string): void;
  remove(uid: string): void;
  duplicate(uid: string): void;
  problemCount: Record<string, number>;
}

function FieldTile({ field, index, container, state, select, remove, duplicate, problemCount }: TileProps) {
  const { t, label } = useI18n();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: field.uid,
    data: { from: 'field', container, index },
  });
  const def = field.def;
  const selected = state.selected === field.uid;
  const errors = problemCount[field.uid] ?? 0;
  const nested = container !== ROOT;
  return (
    <>
      <DropLine container={container} index={index} />
      <div
        ref={setNodeRef}
        style={{ transform: CSS.Translate.toString(transform), transition }}
        className={`field-tile${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}${errors ? ' has-error' : ''}${nested ? ' column' : ''}`}
        data-key={def.key}
        data-testid={nested ? `column-${def.key}` : `tile-${def.key}`}
        onClick={(e) => {
          e.stopPropagation();
          select(field.uid);
        }}
      >
        <div className="tile-row">
          <span
            ref={setActivatorNodeRef}
            className="drag-handle"
            {...listeners}
            {...attributes}
            aria-label={t('designer.dragHandle', { label: label(def.label) })}
          >
            <HolderOutlined />
          </span>
          <TypeIcon type={def.type} />
          <div
            className="tile-main"
            role="button"
            tabIndex={0}
            aria-pressed={selected}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                select(field.uid);
              } else if (e.key === 'Delete') {
                e.preventDefault();
                remove(field.uid);
              }
            }}
          >
            <div className="tile-label">
              {def.label || <span className="muted">{t('designer.noLabel')}</span>}
              {def.required && <span className="required-star">*</span>}
            </div>
            <div className="tile-meta">
              <code>{def.key}</code> · {typeLabel(t, def.type)}
              {def.type === 'formula' && def.formula ? <code className="tile-formula"> = {def.formula}</code> : null}
            </div>
          </div>
          <div className="tile-badges">
            {errors > 0 && (
              <Tooltip title={t('designer.problemsN', { n: errors })}>
                <Badge count={errors} size="small" />
              </Tooltip>
            )}
            {def.visible_if && (
              <Tooltip title={`${t('prop.visibleIf')}: ${def.visible_if}`}>
                <EyeInvisibleOutlined className="muted" />
              </Tooltip>
            )}
            {isLocked(state, field.uid) && (
              <Tooltip title={t('designer.lockedHint')}>
                <LockOutlined className="muted" />
              </Tooltip>
            )}
          </div>
          <div className="tile-actions">
            <Tooltip title={t('designer.duplicate')}>
              <Button
                size="small"
                type="text"
                icon={<CopyOutlined />}
                aria-label={t('designer.duplicate')}
                onClick={(e) => {
                  e.stopPropagation();
                  duplicate(field.uid);
                }}
              />
            </Tooltip>
            <Tooltip title={t('designer.removeField')}>
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('designer.removeField')}
                onClick={(e) => {
                  e.stopPropagation();
                  remove(field.uid);
                }}
              />
            </Tooltip>
          </div>
        </div>
        {field.columns && (
          <SubTableColumns parent={field} state={state} select={select} remove={remove} duplicate={duplicate} problemCount={problemCount} />
        )}
      </div>
    </>
  );
}

function SubTableColumns({ parent, state, select, remove, duplicate, problemCount }: Omit<TileProps, 'field' | 'index' | 'container'> & { parent: DField }) {
  const { t } = useI18n();
  const columns = parent.columns ?? [];
  const { setNodeRef, isOver } = useDroppable({ id: zoneId(parent.uid), data: { drop: 'container', container: parent.uid } });
  return (
    <div className={`sub-columns${isOver ? ' over' : ''}`} ref={setNodeRef} data-testid={`columns-${parent.def.key}`}>
      <SortableContext items={columns.map((c) => c.uid)} strategy={verticalListSortingStrategy}>
        {columns.map((c, i) => (
          <FieldTile
            key={c.uid}
            field={c}
            index={i}
            container={parent.uid}
            state={state}
            select={select}
            remove={remove}
            duplicate={duplicate}
            problemCount={problemCount}
          />
        ))}
        <DropLine container={parent.uid} index={columns.length} />
      </SortableContext>
      <div className="sub-columns-hint">{t('designer.dropColumns')}</div>
    </div>
  );
}
