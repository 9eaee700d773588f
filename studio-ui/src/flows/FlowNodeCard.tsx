import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { Tooltip } from 'antd';
import { WarningFilled } from '@ant-design/icons';
import type { Problem } from '../api/types';
import { useI18n } from '../i18n';
import type { FlowNode } from './model';
import { itemOf, looks } from './nodeLook';
import { sourceHandles } from './graph';

export interface CardData extends Record<string, unknown> {
  node: FlowNode;
  summary: string;
  problems: Problem[];
  /** Set while a dry run's path is drawn: on the path, and its step. */
  onPath?: boolean;
  step?: number;
}

export type CardNode = Node<CardData, 'card'>;

const handleLeft: Record<string, string> = { next: '50%', reject: '', branch: '35%', default: '70%', target: '50%' };

/** One node on the canvas: its kind, title, what it does in a line, its
 * problems, and the handles edges are drawn from. */
export const FlowNodeCard = memo(function FlowNodeCard({ data, selected }: NodeProps<CardNode>) {
  const { t, label } = useI18n();
  const { node, summary, problems, onPath, step } = data;
  const look = looks[itemOf(node)];
  const cls = ['flow-node', selected ? 'selected' : '', problems.length ? 'has-problems' : '', onPath ? 'on-path' : '', data.step === undefined && onPath === false ? 'off-path' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cls} data-testid={`flow-node-${node.id}`} data-type={node.type} style={{ borderLeftColor: look.color }}>
      {node.type !== 'start' && <Handle type="target" position={Position.Top} id="in" />}
      <div className="flow-node-head">
        <span className="flow-node-icon" style={{ color: look.color }}>
          {look.icon}
        </span>
        <span className="flow-node-title">{label(node.title) || node.id}</span>
        {step !== undefined && <span className="flow-node-step">{step + 1}</span>}
        {problems.length > 0 && (
          <Tooltip
            title={
              <ul className="flow-node-problems">
                {problems.map((p, i) => (
                  <li key={i}>{p.message}</li>
                ))}
              </ul>
            }
          >
            <span className="flow-node-problem" data-testid={`node-problems-${node.id}`} aria-label={t('flow.problemsN', { n: problems.length })}>
              <WarningFilled /> {problems.length}
            </span>
          </Tooltip>
        )}
      </div>
      <div className="flow-node-summary">{summary}</div>
      {sourceHandles(node.type).map((h) =>
        h === 'reject' ? (
          <Handle key={h} type="source" position={Position.Right} id={h} className="handle-reject" title={t('flow.handle.reject')} />
        ) : (
          <Handle key={h} type="source" position={Position.Bottom} id={h} className={`handle-${h}`} style={{ left: handleLeft[h] }} title={t(`flow.handle.${h}` as 'flow.handle.next')} />
        ),
      )}
    </div>
  );
});
