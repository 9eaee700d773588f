import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { AppProviders } from '../app/AppProviders';
import type { FieldDef } from '../api/types';
import { AttachmentInput } from './lookups';

const files: FieldDef = { key: 'documents', type: 'attachment', label: 'Documents 报价文件' };

describe('AttachmentInput', () => {
  it("names a stored record's files and keeps the rest as ids when one is removed", async () => {
    const onChange = vi.fn();
    render(
      <AppProviders lang="en">
        <AttachmentInput def={files} value={[{ id: 'f1', name: 'quotation-QT-1.pdf', size: 10 }, 'f2']} onChange={onChange} formKey="quote" />
      </AppProviders>,
    );
    expect(screen.getByText('quotation-QT-1.pdf')).toBeTruthy();
    expect(screen.getByText('f2')).toBeTruthy();
    const first = screen.getByText('quotation-QT-1.pdf').closest('.ant-upload-list-item') as HTMLElement;
    const remove = first.querySelector('button') as HTMLButtonElement;
    await act(async () => fireEvent.click(remove));
    expect(onChange).toHaveBeenCalledWith(['f2']);
  });
});
