import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { AppProviders } from '../app/AppProviders';
import { RecordForm } from './RecordForm';
import { useRecordForm } from './useRecordForm';
import { orderDef, orderSchema } from './fixtures';

function Harness({ showAll = false, serverErrors }: { showAll?: boolean; serverErrors?: Record<string, string> }) {
  const form = useRecordForm(orderDef, orderSchema);
  return <RecordForm form={form} showAllErrors={showAll} serverErrors={serverErrors} />;
}

function renderForm(props: { showAll?: boolean; serverErrors?: Record<string, string> } = {}, lang: 'zh' | 'en' = 'zh') {
  return render(
    <AppProviders lang={lang}>
      <Harness {...props} />
    </AppProviders>,
  );
}

describe('RecordForm', () => {
  it('renders the fields the user may see, in their language', () => {
    renderForm();
    expect(screen.getByText('客户')).toBeTruthy();
    expect(screen.getByText('明细')).toBeTruthy();
    expect(screen.queryByText('毛利')).toBeNull(); // hidden by the schema
    expect(screen.queryByText('需签合同')).toBeNull(); // its condition does not hold
    expect(screen.getByText('保存时自动生成')).toBeTruthy();
  });

  it('computes formulas as rows are filled', async () => {
    renderForm({}, 'en');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Add row/ })));
    const qty = document.getElementById('items-0-qty') as HTMLInputElement;
    const price = document.getElementById('items-0-unit_price') as HTMLInputElement;
    await act(async () => {
      fireEvent.change(qty, { target: { value: '3' } });
      fireEvent.change(price, { target: { value: '20' } });
    });
    expect(screen.getByTestId('value-amount').textContent).toMatch(/60\.00/);
    expect(within(screen.getByTestId('subtable-items')).getByTestId('value-line_total').textContent).toMatch(/60\.00/);
  });

  it('marks a new row only where the user typed', async () => {
    renderForm({}, 'en');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Add row/ })));
    expect(screen.queryByText('Required')).toBeNull();
    await act(async () => fireEvent.change(document.getElementById('items-0-qty')!, { target: { value: '0' } }));
    expect(screen.getByText('Must be at least 1')).toBeTruthy();
    expect(screen.queryByText('Required')).toBeNull();
  });

  it('shows problems once asked, and the server problems on their fields', () => {
    renderForm({ showAll: true, serverErrors: { '/phone': 'must be a phone number' } });
    expect(screen.getAllByText('必填').length).toBeGreaterThan(0);
    expect(screen.getByText('must be a phone number')).toBeTruthy();
  });
});
