import { useCallback, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import { useDroppable } from '@dnd-kit/core';
import { useI18n } from '../i18n';
import { FlowNodeCard, type CardNode } from './FlowNodeCard';
import { connect, edgesOf, type FlowEdge } from './graph';
import type { Point } from './layout';
import type { FlowDefinition } from './model';
import type { PlacedFlowProblems } from './problems';
import { summarize, type Names } from './summary';

const nodeTypes: NodeTypes = { card: FlowNodeCard };

/** A dry run's path as the canvas draws it. */
export interface DrawnPath {
  steps: Map<string, number>;
  edges: Set<string>;
}

interface Props {
  def: FlowDefinition;
  positions: Record<string, Point>;
  setPositions(fn: (p: Record<string, Point>) => Record<string, Point>): void;
  selected: string | null;
  onSelect(id: string | null): void;
  onChange(def: FlowDefinition): void;
  onDelete(nodes: string[], edges: string[]): void;
  problems: PlacedFlowProblems;
  path: DrawnPath | null;
  names: Names;
}

const edgeColor: Record<FlowEdge['kind'], string> = { next: '#8c8c8c', branch: '#fa8c16', default: '#bfbfbf', target: '#722ed1', reject: '#ff4d4f' };

/** The flow as nodes and edges. Edges are drawn by dragging from a node's
 * handle to another node; Delete removes what is selected; Tab goes from
 * node to node. */
export function FlowCanvas({ def, positions, setPositions, selected, onSelect, onChange, onDelete, problems, path, names }: Props) {
  const { t, label } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: 'flow-canvas' });
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);

  const nodes: CardNode[] = useMemo(
    () =>
      def.nodes.map((n) => ({
        id: n.id,
        type: 'card',
        position: positions[n.id] ?? { x: 0, y: 0 },
        selected: n.id === selected,
        deletable: n.type !== 'start',
        measured: measured[n.id],
        ariaLabel: `${label(n.title) || n.id}`,
        data: {
          node: n,
          summary: summarize(n, names),
          problems: problems.nodes[n.id] ?? [],
          onPath: path ? path.steps.has(n.id) : undefined,
          step: path?.steps.get(n.id),
        },
      })),
    [def.nodes, positions, selected, measured, names, problems, path, label],
  );

  const edges: Edge[] = useMemo(
    () =>
      edgesOf(def).map((e) => {
        const bad = (problems.edges[e.id]?.length ?? 0) > 0;
        const lit = path?.edges.has(e.id);
        const color = bad ? '#ff4d4f' : lit ? '#52c41a' : edgeColor[e.kind];
        const text = e.kind === 'default' ? t('flow.edge.default') : e.kind === 'reject' ? t('flow.edge.reject') : e.kind === 'branch' ? label(e.label) || t('flow.edge.noCondition') : undefined;
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          sourceHandle: e.kind === 'branch' || e.kind === 'target' ? e.kind : e.handle,
          targetHandle: 'in',
          type: 'smoothstep',
          label: text,
          selected: e.id === selectedEdge,
          animated: lit,
          className: `flow-edge flow-edge-${e.kind}${bad ? ' has-problems' : ''}${lit ? ' on-path' : ''}`,
          style: { stroke: color, strokeWidth: lit || e.id === selectedEdge ? 2.5 : 1.5, strokeDasharray: e.kind === 'reject' || e.kind === 'default' ? '5 4' : undefined },
          labelStyle: { fill: bad ? '#ff4d4f' : '#595959', fontSize: 11 },
          labelBgStyle: { fill: '#fff' },
          markerEnd: { type: MarkerType.ArrowClosed, color },
          data: { kind: e.kind },
        };
      }),
    [def, problems, path, selectedEdge, t, label],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<CardNode>[]) => {
      const next = applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        nodes,
      );
      if (changes.some((c) => c.type === 'position')) {
        setPositions((p) => {
          const out = { ...p };
          for (const n of next) out[n.id] = n.position;
          return out;
        });
      }
      if (changes.some((c) => c.type === 'dimensions')) {
        setMeasured((m) => {
          const out = { ...m };
          for (const n of next) if (n.measured?.width && n.measured.height) out[n.id] = { width: n.measured.width, height: n.measured.height };
          return out;
        });
      }
      const sel = changes.filter((c) => c.type === 'select');
      if (sel.length) {
        const on = sel.find((c) => c.type === 'select' && c.selected);
        if (on && 'id' in on) onSelect(on.id);
        else if (!next.some((n) => n.selected)) onSelect(null);
      }
    },
    [nodes, setPositions, onSelect],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    for (const c of changes) {
      if (c.type === 'select') setSelectedEdge((s) => (c.selected ? c.id : s === c.id ? null : s));
    }
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) onChange(connect(def, c.source, c.sourceHandle ?? 'next', c.target));
    },
    [def, onChange],
  );

  return (
    <div ref={setNodeRef} className={`flow-canvas${isOver ? ' drop-over' : ''}`} data-testid="flow-canvas" aria-label={t('flow.canvas')}>
      <ReactFlow<CardNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={({ nodes: ns, edges: es }) => onDelete(
          ns.map((n) => n.id),
          es.map((e) => e.id),
        )}
        onEdgeClick={(_, e) => onSelect(e.source)}
        onPaneClick={() => onSelect(null)}
        deleteKeyCode={['Delete', 'Backspace']}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
        connectionRadius={30}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable style={{ width: 140, height: 90 }} />
      </ReactFlow>
    </div>
  );
}
