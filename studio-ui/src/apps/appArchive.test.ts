import { describe, expect, it } from 'vitest';
import { byKind, planSummary, type PlannedChange } from './appArchive';

describe('application archive helpers', () => {
  it('counts a plan by change', () => {
    const p = (change: PlannedChange['change']): PlannedChange => ({ file: 'x', kind: 'form', key: 'x', title: 'X', change, live_version: 1 });
    expect(planSummary([p('new'), p('unchanged'), p('unchanged'), p('changed')])).toEqual({ new: 1, changed: 1, unchanged: 2 });
  });

  it('groups definitions by kind, forms first and unknown kinds last', () => {
    const groups = byKind([{ kind: 'role' }, { kind: 'widget' }, { kind: 'form' }, { kind: 'flow' }, { kind: 'form' }]);
    expect(groups.map(([k, l]) => `${k}:${l.length}`)).toEqual(['form:2', 'flow:1', 'role:1', 'widget:1']);
  });
});
