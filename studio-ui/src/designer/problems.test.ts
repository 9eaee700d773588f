import { describe, expect, it } from 'vitest';
import { placeProblems, relativePath } from './problems';

const paths = new Map([
  ['/fields/0', 'a'],
  ['/fields/1', 'b'],
  ['/fields/1/fields/0', 'b0'],
  ['/rules/0', 'r'],
]);

describe('placeProblems', () => {
  it('puts each problem on its field, column or rule, by setting', () => {
    const placed = placeProblems(
      [
        { path: '/fields/0/formula', message: 'unexpected token', line: 1, column: 5 },
        { path: '/fields/1/fields/0/min', message: 'min above max' },
        { path: '/fields/1/options/0/value', message: 'duplicate' },
        { path: '/rules/0/expr', message: 'unknown name' },
        { path: '/title', message: 'too long' },
        { path: '', message: 'the form as a whole' },
      ],
      paths,
      'visit',
    );
    expect(placed.fields.a.formula[0]).toMatchObject({ path: '/formula', line: 1, column: 5 });
    expect(placed.fields.b0.min[0].message).toBe('min above max');
    expect(placed.fields.b.options[0].path).toBe('/options/0/value');
    expect(placed.rules.r[0].path).toBe('/expr');
    expect(placed.form.map((p) => p.path)).toEqual(['/title', '']);
    expect(placed.count).toEqual({ a: 1, b0: 1, b: 1, r: 1 });
  });

  it('reads the paths of a publish, which name the definition', () => {
    expect(relativePath('/form/visit/fields/0/formula', 'visit')).toBe('/fields/0/formula');
    expect(relativePath('/form/visit', 'visit')).toBe('');
    expect(relativePath('/form/other/fields/0', 'visit')).toBe('/form/other/fields/0');
    expect(placeProblems([{ path: '/form/visit/fields/0/key', message: 'reserved' }], paths, 'visit').fields.a.key).toHaveLength(1);
  });
});
