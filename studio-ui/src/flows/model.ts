// The shapes of a flow definition as flows/definition.go reads them. The
// designer edits this text directly: the canvas and the panels are views of
// it, so what is saved is exactly what the admin sees.

export interface Assignee {
  type: string;
  value?: string;
  levels?: number;
}

export interface Deadline {
  after: string;
  then: string;
}

export interface Approval {
  mode?: string;
  threshold?: number;
  assignees: Assignee[];
  visible?: string[];
  editable?: string[];
  reject_comment_required?: boolean;
  on_reject?: string;
  deadline?: Deadline;
}

export interface Branch {
  when: string;
  next: string;
  label?: string;
}

export interface FlowAction {
  type: string;
  set?: Record<string, string>;
  form?: string;
  record?: string;
  to?: Assignee[];
  message?: string;
  email?: string;
  link?: string;
  url?: string;
}

export interface Wait {
  duration?: string;
  until_date?: string;
  until?: string;
}

export interface Subflow {
  flow: string;
  record: string;
}

export interface FlowNode {
  id: string;
  type: string;
  title?: string;
  next?: string;
  branches?: Branch[];
  default?: string;
  targets?: string[];
  join?: string;
  n?: number;
  approval?: Approval;
  actions?: FlowAction[];
  wait?: Wait;
  subflow?: Subflow;
  outcome?: string;
}

export interface Trigger {
  on: string;
  when?: string;
  cron?: string;
}

export interface FlowDefinition {
  kind: 'flow';
  key: string;
  title: string;
  description?: string;
  form: string;
  triggers: Trigger[];
  fallback_assignee?: string;
  allow_self_approval?: boolean;
  nodes: FlowNode[];
}

/** The node types of the engine, in the order the palette shows them. */
export const nodeTypes = ['start', 'approval', 'cc', 'branch', 'split', 'join', 'action', 'wait', 'subflow', 'end'] as const;

export const approvalModes = ['single', 'any', 'all', 'sequential', 'threshold'] as const;
export const assigneeTypes = ['user', 'role', 'department_head', 'manager', 'field', 'expression'] as const;
export const actionTypes = ['set_fields', 'create_record', 'update_record', 'notify', 'webhook'] as const;
export const deadlineThens = ['remind', 'escalate', 'approve', 'reject'] as const;
export const joinModes = ['all', 'any', 'n'] as const;
export const outcomes = ['approved', 'rejected', 'cancelled'] as const;
export const triggerKinds = ['create', 'update', 'submit', 'schedule'] as const;

/** What the palette offers: each node type, and the countersign, which is an
 * approval of mode "all" the admin thinks of as its own kind. */
export const paletteItems = ['start', 'approval', 'countersign', 'cc', 'branch', 'split', 'join', 'action', 'wait', 'subflow', 'end'] as const;
export type PaletteItem = (typeof paletteItems)[number];

/** Whether a node of this type goes on to one next node. */
export const hasNext = (type: string) => ['start', 'approval', 'cc', 'action', 'wait', 'subflow', 'join'].includes(type);

/** A fresh id for a node of type, not used by any node of def. */
export function freshId(def: FlowDefinition, base: string): string {
  const used = new Set(def.nodes.map((n) => n.id));
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!used.has(id)) return id;
  }
}

/** A new node from the palette, with the settings its type cannot do without
 * filled as far as they can be without the admin. */
export function newNode(def: FlowDefinition, item: PaletteItem, title: string): FlowNode {
  const type = item === 'countersign' ? 'approval' : item;
  const node: FlowNode = { id: freshId(def, item), type, title };
  switch (item) {
    case 'approval':
      node.approval = { mode: 'single', assignees: [] };
      break;
    case 'countersign':
      node.approval = { mode: 'all', assignees: [] };
      break;
    case 'cc':
      node.approval = { assignees: [] };
      break;
    case 'branch':
      node.branches = [];
      break;
    case 'split':
      node.targets = [];
      break;
    case 'join':
      node.join = 'all';
      break;
    case 'action':
      node.actions = [{ type: 'set_fields', set: {} }];
      break;
    case 'wait':
      node.wait = { duration: '1d' };
      break;
    case 'subflow':
      node.subflow = { flow: '', record: '' };
      break;
    case 'end':
      node.outcome = 'approved';
      break;
  }
  return node;
}

/** The text a definition is compared and saved as, so two equal
 * definitions are equal strings. Empty optional settings are left out. */
export function canonicalFlow(def: FlowDefinition): string {
  return JSON.stringify(def, (_k, v: unknown) => (v === undefined || v === '' ? undefined : v));
}
