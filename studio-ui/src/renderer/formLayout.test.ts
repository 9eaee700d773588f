import { describe, expect, it } from 'vitest';
import {
  addSection,
  addTab,
  arrange,
  parseLayout,
  placeField,
  removeSection,
  setSectionFields,
  spanOf,
  syncLayout,
  toStored,
  updateSection,
} from './formLayout';

const keys = ['number', 'customer', 'discount', 'amount', 'notes'];

describe('reading a layout', () => {
  it('keeps what it understands and clamps columns', () => {
    const l = parseLayout({ sections: [{ title: 'A', columns: 7, fields: ['number', 3] }, 'junk'], tabs: [{ title: 'T', sections: [{ fields: ['amount'] }] }, null] });
    expect(l).toEqual({ sections: [{ title: 'A', columns: 3, fields: ['number'] }], tabs: [{ title: 'T', sections: [{ fields: ['amount'] }] }] });
    expect(parseLayout(null)).toEqual({});
    expect(parseLayout([1])).toEqual({});
  });

  it('places each field once and shows the rest after, in form order', () => {
    const a = arrange(
      { sections: [{ fields: ['amount', 'nope', 'number'] }], tabs: [{ title: 'T', sections: [{ fields: ['number', 'discount'] }] }] },
      keys,
    );
    expect(a.sections[0].fields).toEqual(['amount', 'number']);
    expect(a.tabs[0].sections[0].fields).toEqual(['discount']);
    expect(a.rest).toEqual(['customer', 'notes']);
  });
});

describe('editing a layout', () => {
  it('moves a field into a tab and back out', () => {
    let l = addTab(addSection({}, undefined, 'Order'), 'Money', 'Amounts');
    l = setSectionFields(l, { section: 0 }, ['number', 'customer', 'discount']);
    l = placeField(l, 'discount', { tab: 0, section: 0 });
    expect(l.sections![0].fields).toEqual(['number', 'customer']);
    expect(l.tabs![0].sections[0].fields).toEqual(['discount']);
    l = setSectionFields(l, { tab: 0, section: 0 }, ['discount', 'number']);
    expect(l.sections![0].fields).toEqual(['customer']);
    l = placeField(l, 'discount', null);
    expect(arrange(l, keys).rest).toEqual(['discount', 'amount', 'notes']);
  });

  it('sets columns and titles, and removes sections', () => {
    let l = addSection({}, undefined, 'A');
    l = updateSection(l, { section: 0 }, { columns: 3, title: '' });
    expect(l.sections![0]).toEqual({ columns: 3, fields: [] });
    expect(removeSection(l, { section: 0 }).sections).toEqual([]);
  });

  it('follows renamed and removed fields', () => {
    const l = syncLayout({ sections: [{ fields: ['number', 'discount'] }] }, { discount: 'rebate' }, ['number', 'rebate']);
    expect(l.sections![0].fields).toEqual(['number', 'rebate']);
    expect(syncLayout(l, {}, ['rebate']).sections![0].fields).toEqual(['rebate']);
  });

  it('stores nothing for an empty layout', () => {
    expect(toStored({ sections: [], tabs: [] })).toBeUndefined();
    expect(toStored({ sections: [{ fields: [] }], tabs: [] })).toEqual({ sections: [{ fields: [] }] });
  });

  it('gives wide fields the whole row', () => {
    expect(spanOf(3, false)).toBe(8);
    expect(spanOf(2, true)).toBe(24);
    expect(spanOf(undefined, false)).toBe(24);
  });
});
