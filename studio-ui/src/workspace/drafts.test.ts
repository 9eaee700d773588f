import { beforeEach, describe, expect, it } from 'vitest';
import { drafts } from './drafts';

describe('drafts', () => {
  beforeEach(() => localStorage.clear());
  it('are kept per user and form', () => {
    drafts.save(1, 'order', { amount: 5 });
    expect(drafts.load(1, 'order')).toEqual({ amount: 5 });
    expect(drafts.load(2, 'order')).toBeNull();
    expect(drafts.load(1, 'customer')).toBeNull();
    drafts.clear(1, 'order');
    expect(drafts.load(1, 'order')).toBeNull();
  });
  it('ignore what is not an object', () => {
    localStorage.setItem('mosaic.draft.1.order', '[1]');
    expect(drafts.load(1, 'order')).toBeNull();
  });
});
