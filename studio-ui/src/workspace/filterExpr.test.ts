import { describe, expect, it } from 'vitest';
import { filterExpr } from './filterExpr';

describe('filterExpr', () => {
  it('quotes text, keeps numbers and joins with the expression box', () => {
    expect(
      filterExpr(
        [
          { field: 'region', op: '==', value: 'east "x"' },
          { field: 'amount', op: '>=', value: '100000' },
          { field: 'notes', op: 'contains', value: '' },
        ],
        { region: 'select', amount: 'formula' },
        'status != "draft"',
      ),
    ).toBe('region == "east \\"x\\"" && amount >= 100000 && (status != "draft")');
  });
});
