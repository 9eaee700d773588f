// The one line a node shows on the canvas under its title.

import type { Department, FieldDef } from '../api/types';
import type { MessageKey, Params } from '../i18n';
import type { Assignee, FlowNode } from './model';

export interface Names {
  t(key: MessageKey, params?: Params): string;
  label(text: string | undefined): string;
  fields: FieldDef[];
  roles: { key: string; title: string }[];
  departments: Department[];
  /** What starts the flow, for the start node's line. */
  triggers: { on: string }[];
}

export function describeAssignee(a: Assignee, n: Names): string {
  switch (a.type) {
    case 'role':
      return n.label(n.roles.find((r) => r.key === a.value)?.title) || a.value || '?';
    case 'user':
      return a.value || '?';
    case 'manager':
      return n.t('flow.assignee.managerN', { n: a.levels ?? 1 });
    case 'department_head': {
      const d = n.departments.find((x) => String(x.id) === a.value);
      return d ? n.t('flow.assignee.headOf', { name: d.name }) : n.t('flow.assignee.ownHead');
    }
    case 'field':
      return n.label(n.fields.find((f) => f.key === a.value)?.label) || a.value || '?';
    default:
      return a.value || n.t('flow.assignee.expression');
  }
}

export function summarize(node: FlowNode, n: Names): string {
  const { t } = n;
  switch (node.type) {
    case 'approval':
    case 'cc': {
      const who = (node.approval?.assignees ?? []).map((a) => describeAssignee(a, n)).join(', ') || t('flow.noAssignees');
      const mode = node.approval?.mode ? t(`flow.mode.${node.approval.mode}` as MessageKey) : t('flow.kind.cc');
      return `${mode} · ${who}`;
    }
    case 'branch':
      return t('flow.summary.branches', { n: node.branches?.length ?? 0 });
    case 'split':
      return t('flow.summary.paths', { n: node.targets?.length ?? 0 });
    case 'join':
      return t(`flow.join.${node.join ?? 'all'}` as MessageKey, { n: node.n ?? 0 });
    case 'action':
      return (node.actions ?? []).map((a) => t(`flow.action.${a.type}` as MessageKey)).join(', ') || t('flow.summary.noActions');
    case 'wait':
      return node.wait?.duration ?? node.wait?.until_date ?? node.wait?.until ?? '';
    case 'subflow':
      return node.subflow?.flow || t('flow.summary.noSubflow');
    case 'end':
      return t(`flow.outcome.${node.outcome ?? 'approved'}` as MessageKey);
    case 'start':
      return n.triggers.map((x) => t(`flow.trigger.${x.on}` as MessageKey)).join(', ') || t('flow.summary.start');
    default:
      return node.type;
  }
}
