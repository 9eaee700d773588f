// The shapes of the definitions and API answers the studio works with. The
// definition shapes mirror engine/schemas/form.schema.json.

import type { ErrorDetail } from './client';

export interface FieldOption {
  value: string;
  label: string;
}

/** One field of a form, or one column of a sub-table. */
export interface FieldDef {
  key: string;
  type: string;
  label: string;
  help?: string;
  required?: boolean;
  read_only?: boolean;
  unique?: boolean;
  index?: boolean;
  default?: string;
  visible_if?: string;
  min?: number;
  max?: number;
  min_length?: number;
  max_length?: number;
  pattern?: string;
  options?: FieldOption[];
  target?: string;
  multiple?: boolean;
  fields?: FieldDef[];
  formula?: string;
  result?: string;
  scale?: number;
  currency?: string;
  format?: string;
  max_size?: number;
  accept?: string[];
  max_files?: number;
  /** Filled from the record the relation `from` links to (its field `field`). */
  fill?: FieldFill;
}

/** Where a field is filled from: forms/fill.go. */
export interface FieldFill {
  from: string;
  field: string;
  /** change (default): when empty and whenever the relation changes; empty: only when empty. */
  mode?: 'change' | 'empty';
}

/** A validation rule over a whole record. */
export interface FormRule {
  key: string;
  expr: string;
  message: string;
  field?: string;
}

/** An index over several columns of the form's table, in order. */
export interface FormIndex {
  fields: string[];
  unique?: boolean;
}

export interface FormDefinition {
  kind: 'form';
  key: string;
  title: string;
  description?: string;
  fields: FieldDef[];
  rules?: FormRule[];
  layout?: Record<string, unknown>;
  indexes?: FormIndex[];
  /** "Create from" conversions; the designer keeps them as they are. */
  conversions?: Record<string, unknown>[];
}

export interface DefinitionInfo {
  kind: string;
  key: string;
  title: string;
  latest_version: number;
  has_draft: boolean;
}

export interface FormSummary {
  key: string;
  title: string;
  description?: string;
  version: number;
}

/** A JSON Schema as the server sends it; the renderer reads a known subset. */
export type JSONSchema = Record<string, unknown>;

export interface FormDetail {
  key: string;
  title: string;
  version: number;
  definition: FormDefinition;
  record_schema: JSONSchema;
  /** The live flows a submit of the form's records starts; none, no submit. */
  submit_flows?: { key: string; title: string }[];
}

export type Problem = ErrorDetail;

export interface DraftSaved {
  kind: string;
  key: string;
  title: string;
  valid: boolean;
  problems: Problem[];
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
  record_schema?: JSONSchema;
}

export interface MigrationStep {
  op: string;
  table: string;
  field?: string;
  detail: string;
  destructive?: boolean;
  loses?: number;
}

export interface FieldChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: FieldDef;
  after?: FieldDef;
}

export interface Diff {
  kind: string;
  key: string;
  from_version: number;
  fields: FieldChange[];
  steps: MigrationStep[];
  destructive: boolean;
  problems: Problem[];
}

export interface PublishResult {
  kind: string;
  key: string;
  version: number;
  steps: MigrationStep[] | null;
  unchanged?: boolean;
}

export interface DefinitionVersion {
  kind: string;
  key: string;
  version: number;
  published_by: number;
  published_at: string;
  note: string;
}

export interface DefinitionVersionDetail<T = FormDefinition> extends DefinitionVersion {
  definition: T;
}

export interface User {
  id: number;
  email: string;
  name: string;
  active: boolean;
  roles: string[];
  department_ids?: number[];
}

export interface Department {
  id: number;
  name: string;
  parent_id?: number | null;
}

export type RecordValue = Record<string, unknown>;

export interface RecordPage {
  items: RecordValue[];
  page: number;
  per_page: number;
  total?: number;
}
