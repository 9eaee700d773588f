import { describe, expect, it } from 'vitest';
import { storedFiles } from './AttachmentLinks';

describe('storedFiles', () => {
  it('keeps the files of a stored attachment value, named', () => {
    expect(storedFiles([{ id: 'a1', name: 'quotation-Q-1.pdf', size: 3 }, { id: 'b2', name: '' }])).toEqual([
      { id: 'a1', name: 'quotation-Q-1.pdf' },
      { id: 'b2', name: 'b2' },
    ]);
  });

  it('is empty for anything that is not a list of files', () => {
    expect(storedFiles(null)).toEqual([]);
    expect(storedFiles('a1')).toEqual([]);
    expect(storedFiles(['a1', 3, null])).toEqual([]);
  });
});
