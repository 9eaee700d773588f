import { Alert, Button, Checkbox, Divider, Form, Input, InputNumber, Radio, Select, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Problem } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ActionList } from './ActionList';
import { AssigneeList } from './AssigneeList';
import { ConditionInput } from './ConditionInput';
import type { FlowMeta } from './loadFlow';
import { approvalModes, deadlineThens, hasNext, joinModes, outcomes, type Approval, type FlowDefinition, type FlowNode } from './model';
import { itemOf, looks } from './nodeLook';
import { problemsAt, under } from './problems';

interface Props {
  def: FlowDefinition;
  node: FlowNode;
  meta: FlowMeta;
  problems: Problem[];
  onChange(fn: (n: FlowNode) => FlowNode): void;
  onRename(to: string): void;
  onRemove(): void;
}

/** Settings of one node, by its type; every setting the server finds a
 * problem with says so under it. */
export function NodeProperties({ def, node, meta, problems, onChange, onRename, onRemove }: Props) {
  const { t, label } = useI18n();
  const at = (p: string) => problemsAt(problems, p);
  const status = (p: string) => (at(p).length ? ('error' as const) : undefined);
  const help = (p: string) => (at(p).length ? at(p).map((x) => x.message).join('; ') : undefined);
  const names = meta.fields.map((f) => ({ key: f.key, label: f.label }));
  const others = def.nodes.filter((n) => n.id !== node.id && n.type !== 'start');
  const nodeOptions = others.map((n) => ({ value: n.id, label: `${label(n.title) || n.id} (${n.id})` }));
  const fieldOptions = meta.fields.map((f) => ({ value: f.key, label: `${label(f.label)} (${f.key})` }));
  const setApproval = (fn: (a: Approval) => Approval) => onChange((n) => ({ ...n, approval: fn(n.approval ?? { assignees: [] }) }));
  const a = node.approval;
  const item = itemOf(node);
  const own = problems.filter((p) => p.path === '' || p.path === '/id' || p.path === '/type');

  return (
    <Form layout="vertical" component="div" className="node-properties" data-testid="node-properties">
      <Space className="node-properties-head">
        <span style={{ color: looks[item].color }}>{looks[item].icon}</span>
        <Typography.Text strong>{t(`flow.kind.${item}` as MessageKey)}</Typography.Text>
        <Tag>{node.id}</Tag>
      </Space>
      {own.map((p, i) => (
        <Alert key={i} type="error" showIcon title={p.message} style={{ marginBottom: 8 }} />
      ))}
      <Form.Item label={t('flow.prop.title')} htmlFor="node-title">
        <Input id="node-title" value={node.title ?? ''} onChange={(e) => onChange((n) => ({ ...n, title: e.target.value }))} />
      </Form.Item>
      <Form.Item label={t('flow.prop.id')} htmlFor="node-id" help={t('flow.prop.idHint')}>
        <Input id="node-id" defaultValue={node.id} key={node.id} className="mono" onBlur={(e) => onRename(e.target.value.trim())} onPressEnter={(e) => onRename((e.target as HTMLInputElement).value.trim())} />
      </Form.Item>

      {(node.type === 'approval' || node.type === 'cc') && a && (
        <>
          {node.type === 'approval' && (
            <Form.Item label={t('flow.prop.mode')} validateStatus={status('/approval/mode')} help={help('/approval/mode')} htmlFor="node-mode">
              <Select
                id="node-mode"
                value={a.mode}
                onChange={(mode: string) => setApproval((x) => ({ ...x, mode, threshold: mode === 'threshold' ? (x.threshold ?? 2) : undefined }))}
                options={approvalModes.map((m) => ({ value: m, label: t(`flow.mode.${m}` as MessageKey) }))}
              />
            </Form.Item>
          )}
          {a.mode === 'threshold' && (
            <Form.Item label={t('flow.prop.threshold')} validateStatus={status('/approval/threshold')} help={help('/approval/threshold')}>
              <InputNumber min={1} value={a.threshold} onChange={(v) => setApproval((x) => ({ ...x, threshold: v ?? undefined }))} />
            </Form.Item>
          )}
          <Form.Item label={node.type === 'cc' ? t('flow.prop.ccTo') : t('flow.prop.assignees')}>
            <AssigneeList id="assignees" value={a.assignees} onChange={(assignees) => setApproval((x) => ({ ...x, assignees }))} meta={meta} problems={under(problems, '/approval/assignees')} />
          </Form.Item>
          <Form.Item label={t('flow.prop.visible')} help={help('/approval/visible') ?? t('flow.prop.visibleHint')} validateStatus={status('/approval/visible')}>
            <Select mode="multiple" value={a.visible ?? []} onChange={(visible: string[]) => setApproval((x) => ({ ...x, visible: visible.length ? visible : undefined }))} options={fieldOptions} showSearch={{ optionFilterProp: "label" }} />
          </Form.Item>
          {node.type === 'approval' && (
            <>
              <Form.Item label={t('flow.prop.editable')} help={help('/approval/editable')} validateStatus={status('/approval/editable')}>
                <Select mode="multiple" value={a.editable ?? []} onChange={(editable: string[]) => setApproval((x) => ({ ...x, editable: editable.length ? editable : undefined }))} options={fieldOptions} showSearch={{ optionFilterProp: "label" }} />
              </Form.Item>
              <Form.Item>
                <Checkbox checked={!!a.reject_comment_required} onChange={(e) => setApproval((x) => ({ ...x, reject_comment_required: e.target.checked || undefined }))}>
                  {t('flow.prop.rejectComment')}
                </Checkbox>
              </Form.Item>
              <Form.Item label={t('flow.prop.onReject')} validateStatus={status('/approval/on_reject')} help={help('/approval/on_reject') ?? t('flow.prop.onRejectHint')}>
                <Select allowClear value={a.on_reject} onChange={(v?: string) => setApproval((x) => ({ ...x, on_reject: v }))} options={nodeOptions} showSearch={{ optionFilterProp: "label" }} placeholder={t('flow.prop.endRejected')} />
              </Form.Item>
              <Form.Item label={t('flow.prop.deadline')} validateStatus={status('/approval/deadline')} help={help('/approval/deadline')}>
                <Space.Compact style={{ width: '100%' }}>
                  <Input
                    aria-label={t('flow.prop.deadlineAfter')}
                    placeholder={t('flow.prop.deadlineAfterHint')}
                    value={a.deadline?.after ?? ''}
                    onChange={(e) => setApproval((x) => ({ ...x, deadline: e.target.value ? { after: e.target.value, then: x.deadline?.then ?? 'remind' } : undefined }))}
                  />
                  <Select
                    aria-label={t('flow.prop.deadlineThen')}
                    style={{ width: 130 }}
                    disabled={!a.deadline}
                    value={a.deadline?.then ?? 'remind'}
                    onChange={(then: string) => setApproval((x) => ({ ...x, deadline: { after: x.deadline?.after ?? '1d', then } }))}
                    options={deadlineThens.map((d) => ({ value: d, label: t(`flow.then.${d}` as MessageKey) }))}
                  />
                </Space.Compact>
              </Form.Item>
            </>
          )}
        </>
      )}

      {node.type === 'branch' && (
        <>
          <Divider titlePlacement="start" plain>
            {t('flow.prop.branches')}
          </Divider>
          {(node.branches ?? []).map((b, i) => (
            <div key={i} className="branch-card" data-testid={`branch-${i}`}>
              <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                <Typography.Text strong>{t('flow.prop.branchN', { n: i + 1 })}</Typography.Text>
                <Button size="small" type="text" aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => onChange((n) => ({ ...n, branches: (n.branches ?? []).filter((_, j) => j !== i) }))} />
              </Space>
              <Form.Item label={t('flow.prop.when')} htmlFor={`branch-${i}-when`}>
                <ConditionInput
                  id={`branch-${i}-when`}
                  value={b.when}
                  names={names}
                  problems={at(`/branches/${i}/when`)}
                  placeholder="amount >= 100000"
                  onChange={(when) => onChange((n) => ({ ...n, branches: (n.branches ?? []).map((x, j) => (j === i ? { ...x, when } : x)) }))}
                />
              </Form.Item>
              <Form.Item label={t('flow.prop.branchLabel')} htmlFor={`branch-${i}-label`}>
                <Input id={`branch-${i}-label`} value={b.label ?? ''} onChange={(e) => onChange((n) => ({ ...n, branches: (n.branches ?? []).map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) }))} />
              </Form.Item>
              <Form.Item label={t('flow.prop.then')} validateStatus={status(`/branches/${i}/next`)} help={help(`/branches/${i}/next`)}>
                <Select value={b.next || undefined} onChange={(next: string) => onChange((n) => ({ ...n, branches: (n.branches ?? []).map((x, j) => (j === i ? { ...x, next } : x)) }))} options={nodeOptions} showSearch={{ optionFilterProp: "label" }} />
              </Form.Item>
            </div>
          ))}
          {at('/branches')
            .filter((p) => p.path === '/branches')
            .map((p, i) => (
              <div key={i} className="field-error" role="alert">
                {p.message}
              </div>
            ))}
          <Button size="small" icon={<PlusOutlined />} onClick={() => onChange((n) => ({ ...n, branches: [...(n.branches ?? []), { when: '', next: '' }] }))} style={{ marginBottom: 12 }}>
            {t('flow.prop.addBranch')}
          </Button>
          <Form.Item label={t('flow.prop.default')} validateStatus={status('/default')} help={help('/default') ?? t('flow.prop.defaultHint')}>
            <Select value={node.default || undefined} onChange={(v: string) => onChange((n) => ({ ...n, default: v }))} options={nodeOptions} showSearch={{ optionFilterProp: "label" }} />
          </Form.Item>
        </>
      )}

      {node.type === 'split' && (
        <Form.Item label={t('flow.prop.targets')} validateStatus={status('/targets')} help={help('/targets') ?? t('flow.prop.targetsHint')}>
          <Select mode="multiple" value={node.targets ?? []} onChange={(targets: string[]) => onChange((n) => ({ ...n, targets }))} options={nodeOptions} showSearch={{ optionFilterProp: "label" }} />
        </Form.Item>
      )}

      {node.type === 'join' && (
        <>
          <Form.Item label={t('flow.prop.join')} validateStatus={status('/join')} help={help('/join')}>
            <Radio.Group
              value={node.join ?? 'all'}
              onChange={(e) => onChange((n) => ({ ...n, join: e.target.value as string, n: e.target.value === 'n' ? (n.n ?? 2) : undefined }))}
              options={joinModes.map((m) => ({ value: m, label: t(`flow.joinMode.${m}` as MessageKey) }))}
            />
          </Form.Item>
          {node.join === 'n' && (
            <Form.Item label={t('flow.prop.joinN')} validateStatus={status('/n')} help={help('/n')}>
              <InputNumber min={1} value={node.n} onChange={(v) => onChange((n) => ({ ...n, n: v ?? undefined }))} />
            </Form.Item>
          )}
        </>
      )}

      {node.type === 'action' && (
        <Form.Item label={t('flow.prop.actions')} validateStatus={status('/actions')} help={at('/actions').some((p) => p.path === '/actions') ? help('/actions') : undefined}>
          <ActionList id="actions" value={node.actions ?? []} onChange={(actions) => onChange((n) => ({ ...n, actions }))} meta={meta} problems={under(problems, '/actions')} />
        </Form.Item>
      )}

      {node.type === 'wait' && (
        <>
          <Form.Item label={t('flow.prop.waitFor')}>
            <Radio.Group
              value={node.wait?.until !== undefined ? 'until' : node.wait?.until_date !== undefined ? 'until_date' : 'duration'}
              onChange={(e) => onChange((n) => ({ ...n, wait: { [e.target.value as string]: e.target.value === 'duration' ? '1d' : '' } }))}
              options={[
                { value: 'duration', label: t('flow.wait.duration') },
                { value: 'until_date', label: t('flow.wait.untilDate') },
                { value: 'until', label: t('flow.wait.until') },
              ]}
            />
          </Form.Item>
          {node.wait?.until !== undefined ? (
            <Form.Item label={t('flow.wait.until')}>
              <ConditionInput id="wait-until" value={node.wait.until} names={names} problems={at('/wait/until')} onChange={(until) => onChange((n) => ({ ...n, wait: { until } }))} />
            </Form.Item>
          ) : node.wait?.until_date !== undefined ? (
            <Form.Item label={t('flow.wait.untilDate')} validateStatus={status('/wait/until_date')} help={help('/wait/until_date')}>
              <Select
                value={node.wait.until_date || undefined}
                onChange={(until_date: string) => onChange((n) => ({ ...n, wait: { until_date } }))}
                options={meta.fields.filter((f) => f.type === 'date' || f.type === 'datetime').map((f) => ({ value: f.key, label: `${label(f.label)} (${f.key})` }))}
              />
            </Form.Item>
          ) : (
            <Form.Item label={t('flow.wait.duration')} validateStatus={status('/wait/duration')} help={help('/wait/duration') ?? t('flow.prop.deadlineAfterHint')}>
              <Input value={node.wait?.duration ?? ''} onChange={(e) => onChange((n) => ({ ...n, wait: { duration: e.target.value } }))} />
            </Form.Item>
          )}
        </>
      )}

      {node.type === 'subflow' && (
        <>
          <Form.Item label={t('flow.prop.subflow')} validateStatus={status('/subflow/flow')} help={help('/subflow/flow')}>
            <Select
              value={node.subflow?.flow || undefined}
              onChange={(flow: string) => onChange((n) => ({ ...n, subflow: { flow, record: n.subflow?.record ?? '' } }))}
              options={meta.flows.filter((f) => f.key !== def.key).map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))}
            />
          </Form.Item>
          <Form.Item label={t('flow.prop.subflowRecord')}>
            <ConditionInput id="subflow-record" value={node.subflow?.record ?? ''} names={names} problems={at('/subflow/record')} onChange={(record) => onChange((n) => ({ ...n, subflow: { flow: n.subflow?.flow ?? '', record } }))} />
          </Form.Item>
        </>
      )}

      {node.type === 'end' && (
        <Form.Item label={t('flow.prop.outcome')} validateStatus={status('/outcome')} help={help('/outcome')}>
          <Select value={node.outcome ?? 'approved'} onChange={(outcome: string) => onChange((n) => ({ ...n, outcome }))} options={outcomes.map((o) => ({ value: o, label: t(`flow.outcome.${o}` as MessageKey) }))} />
        </Form.Item>
      )}

      {hasNext(node.type) && (
        <Form.Item label={node.type === 'approval' ? t('flow.prop.nextApproved') : t('flow.prop.next')} validateStatus={status('/next')} help={help('/next') ?? t('flow.prop.nextHint')}>
          <Select value={node.next || undefined} onChange={(next: string) => onChange((n) => ({ ...n, next }))} options={nodeOptions} showSearch={{ optionFilterProp: "label" }} />
        </Form.Item>
      )}

      {node.type !== 'start' && (
        <Button danger icon={<DeleteOutlined />} onClick={onRemove} block>
          {t('flow.removeNode')}
        </Button>
      )}
    </Form>
  );
}
