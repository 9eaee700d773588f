import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { AppProviders } from '../app/AppProviders';
import type { FormDefinition } from '../api/types';
import { RecordForm } from './RecordForm';
import { useRecordForm } from './useRecordForm';
import { orderDef, orderSchema } from './fixtures';

const laidOut: FormDefinition = {
  ...orderDef,
  layout: {
    sections: [{ title: 'Basics 基本信息', columns: 3, fields: ['number', 'customer', 'order_date'] }],
    tabs: [
      { title: 'Money 金额', sections: [{ columns: 2, fields: ['discount', 'amount', 'margin'] }] },
      { title: 'Lines 明细', sections: [{ fields: ['items'] }] },
    ],
  },
};

function Harness() {
  const form = useRecordForm(laidOut, orderSchema);
  return <RecordForm form={form} />;
}

const fieldBox = (key: string) => document.querySelector(`[data-field="${key}"]`)?.closest('.ant-col');

describe('a form laid out in sections and tabs', () => {
  it('puts fields in their section with the section’s columns, tabs after, the rest last', async () => {
    render(
      <AppProviders lang="en">
        <Harness />
      </AppProviders>,
    );
    expect(screen.getByText('Basics')).toBeTruthy();
    expect(fieldBox('customer')?.className).toContain('ant-col-8');
    expect(screen.getByRole('tab', { name: 'Money' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Lines' })).toBeTruthy();
    // margin is hidden by the schema: the layout does not bring it back.
    expect(document.querySelector('[data-field="margin"]')).toBeNull();
    // phone and kind are not placed: they follow, two to a row.
    expect(fieldBox('phone')?.className).toContain('ant-col-12');
    const rest = fieldBox('phone')!;
    const tabs = document.querySelector('.form-tabs')!;
    expect(tabs.compareDocumentPosition(rest) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Money' })));
    expect(fieldBox('discount')?.className).toContain('ant-col-12');
  });
});
