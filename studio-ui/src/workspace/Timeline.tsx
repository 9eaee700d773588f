// A flow instance's timeline: each step, who, when, their comment and the
// changes they made.

import { Tag, Timeline as AntTimeline, Typography } from 'antd';
import { useI18n, type MessageKey } from '../i18n';
import type { Instance, Step } from './api';
import { stateKey } from './NotificationBell';

const stepKinds = ['started', 'routed', 'task_created', 'decided', 'joined', 'action', 'notified', 'waiting', 'waited', 'reminded', 'escalated', 'subflow', 'webhook', 'stuck', 'cancelled', 'transferred', 'withdrawn', 'ended', 'delegated', 'signer_added', 'returned', 'resubmitted', 'commented', 'urged', 'migrated'];

/** The words of a timeline step's kind. */
export function stepKey(kind: string): MessageKey {
  return (stepKinds.includes(kind) ? `ws.step.${kind}` : 'ws.step.other') as MessageKey;
}

const quiet = new Set(['routed', 'task_created', 'joined']);

const colors: Record<string, string> = { approved: 'green', rejected: 'red', returned: 'orange', withdrawn: 'gray', cancelled: 'gray' };

function stepColor(s: Step): string {
  const decision = typeof s.data?.decision === 'string' ? (s.data.decision as string) : s.kind;
  return colors[decision] ?? (s.kind.includes('reject') ? 'red' : s.kind.includes('approv') ? 'green' : 'blue');
}

export function InstanceTimeline({ instance }: { instance: Instance }) {
  const { t, label, fmt } = useI18n();
  // note: the engine's own routing (reaching a node, making a task, a
  // join) says nothing a reader acts on; people's steps and the end stay.
  const steps = (instance.steps ?? []).filter((s) => !quiet.has(s.kind));
  return (
    <div className="ws-timeline" data-testid={`timeline-${instance.id}`}>
      <div className="ws-timeline-head">
        <Typography.Text strong>{label(instance.flow_title)}</Typography.Text>{' '}
        <Tag color={colors[instance.state] ?? 'blue'} data-testid="instance-state">
          {t(stateKey(instance.state))}
        </Tag>
        <span className="muted small">
          {instance.submitter?.name} · {fmt.dateTime(instance.started_at)}
        </span>
      </div>
      <AntTimeline
        items={steps.map((s) => {
          const changes = s.data?.changes && typeof s.data.changes === 'object' ? Object.keys(s.data.changes as object) : [];
          return {
            color: stepColor(s),
            content: (
              <div className="ws-step" data-testid="step">
                <div>
                  <strong>{label(s.node_title) || s.node}</strong> · {t(stepKey(s.kind))}
                </div>
                <div className="muted small">
                  {s.actor ? s.actor.name || s.actor.email : t('ws.engine')} · {fmt.dateTime(s.at)}
                </div>
                {s.comment && <div className="ws-comment">“{s.comment}”</div>}
                {changes.length > 0 && <div className="muted small">{t('ws.changed', { fields: changes.join(', ') })}</div>}
              </div>
            ),
          };
        })}
      />
    </div>
  );
}
