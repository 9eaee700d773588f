import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { fieldProblems } from './serverErrors';
import type { RenderField } from './recordModel';

const fields = [{ def: { key: 'items', type: 'sub_table', label: 'Items' }, mode: 'edit' }] as RenderField[];

describe('fieldProblems', () => {
  it('puts problems on the fields their pointers name', () => {
    const e = new ApiError(422, 'validation_failed', 'bad', [
      { path: '/items/0/qty', message: 'too small' },
      { path: '/other', message: 'unknown' },
    ]);
    expect(fieldProblems(fields, e)).toEqual({ onFields: { '/items/0/qty': 'too small' }, rest: [{ path: '/other', message: 'unknown' }] });
    expect(fieldProblems(fields, new Error('x'))).toEqual({ onFields: {}, rest: [] });
  });
});
