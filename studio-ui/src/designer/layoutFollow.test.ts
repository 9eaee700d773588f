import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../api/types';
import { fromDefinition, reducer, toDefinition } from './designerState';

const visit: FormDefinition = {
  kind: 'form',
  key: 'visit',
  title: 'Visit',
  fields: [
    { key: 'hours', type: 'integer', label: 'Hours' },
    { key: 'note', type: 'text', label: 'Note' },
    { key: 'rate', type: 'money', label: 'Rate' },
  ],
  layout: { tabs: [{ title: 'Work', sections: [{ columns: 2, fields: ['hours', 'rate'] }] }] },
};

describe('the layout in the designer', () => {
  it('follows a field whose key changes, and lets a removed field go', () => {
    let s = fromDefinition(visit, null);
    const rate = s.fields[2].uid;
    s = reducer(s, { type: 'setKey', uid: rate, key: 'hourly_rate' });
    expect(toDefinition(s).def.layout).toEqual({ tabs: [{ title: 'Work', sections: [{ columns: 2, fields: ['hours', 'hourly_rate'] }] }] });
    s = reducer(s, { type: 'remove', uid: s.fields[0].uid });
    expect(toDefinition(s).def.layout).toEqual({ tabs: [{ title: 'Work', sections: [{ columns: 2, fields: ['hourly_rate'] }] }] });
  });

  it('is saved with the form, and left out when it places nothing', () => {
    let s = fromDefinition({ ...visit, layout: undefined }, null);
    s = reducer(s, { type: 'form', patch: { layout: { sections: [{ title: 'Main', columns: 3, fields: ['note'] }] } } });
    expect(toDefinition(s).def.layout).toEqual({ sections: [{ title: 'Main', columns: 3, fields: ['note'] }] });
    s = reducer(s, { type: 'form', patch: { layout: undefined } });
    expect('layout' in toDefinition(s).def).toBe(false);
  });
});
