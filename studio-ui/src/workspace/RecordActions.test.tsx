import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppProviders } from '../app/AppProviders';
import { ApiError } from '../api/client';
import type { FormDetail, RecordValue } from '../api/types';
import type { FormPermissions } from './api';
import { RecordActions } from './RecordActions';
import { WorkspaceContext } from './WorkspaceContext';

const quote: FormDetail = {
  key: 'quote',
  title: 'Quote 报价单',
  definition: {
    kind: 'form',
    key: 'quote',
    title: 'Quote 报价单',
    fields: [
      { key: 'customer', type: 'relation', label: 'Customer 客户', target: 'customer' },
      { key: 'status', type: 'select', label: 'Status 状态' },
    ],
  },
  record_schema: {},
} as unknown as FormDetail;

/** The server: the quote's conversion and template, and a refused conversion. */
function server() {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.endsWith('/forms/quote/conversions'))
      return json(200, { conversions: [{ key: 'from_quote', title: 'Create order 生成订单', from: 'quote', target: 'order', when: 'status != "rejected"' }] });
    if (url.endsWith('/forms/quote/documents')) return json(200, { documents: [{ key: 'quotation', title: 'Quotation 报价单', form: 'quote' }] });
    if (url.includes('/convert/') && init?.method === 'POST')
      return json(422, { error: { code: 'validation_failed', message: 'quote #1 cannot be converted now', details: [{ path: '/when', message: 'quote #1 cannot be converted now' }] } });
    return json(404, { error: { code: 'not_found', message: 'no', details: [] } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function show(rec: RecordValue, actions: Record<string, string[]>, onFailure = vi.fn()) {
  const permissions: Record<string, FormPermissions> = {};
  for (const [form, a] of Object.entries(actions)) permissions[form] = { form, actions: a, fields: {} };
  render(
    <AppProviders lang="zh">
      <MemoryRouter>
        <WorkspaceContext.Provider
          value={{ forms: [{ key: 'order', title: 'Sales order 销售订单' }] as never, permissions, counts: {}, refreshCounts: () => {}, pulse: 0 }}
        >
          <RecordActions detail={quote} rec={rec} onFailure={onFailure} onGenerated={vi.fn()} />
        </WorkspaceContext.Provider>
      </MemoryRouter>
    </AppProviders>,
  );
  return onFailure;
}

afterEach(() => vi.unstubAllGlobals());

describe('RecordActions', () => {
  it('offers the conversion and the documents to a user who may use them', async () => {
    server();
    show({ id: 1, customer: 2, status: 'sent' }, { order: ['create'], quote: ['read', 'update'] });
    const button = await screen.findByTestId('convert-from_quote');
    expect(button.textContent).toContain('生成订单');
    expect((button as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('documents-menu').textContent).toContain('文档');
  });

  it('shows neither to a user who may not create orders nor update the quote', async () => {
    const fetch = server();
    show({ id: 1, customer: 2, status: 'sent' }, { quote: ['read'] });
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId('convert-from_quote')).toBeNull();
    expect(screen.queryByTestId('documents-menu')).toBeNull();
  });

  it('disables the conversion while the record does not meet its condition', async () => {
    server();
    show({ id: 1, customer: 2, status: 'rejected' }, { order: ['create'], quote: ['read'] });
    const blocked = await screen.findByTestId('convert-blocked-from_quote');
    expect((blocked.querySelector('button') as HTMLButtonElement).disabled).toBe(true);
  });

  it("hands the server's refusal to the page after the user confirms", async () => {
    server();
    const onFailure = show({ id: 1, customer: 2, status: 'sent' }, { order: ['create'], quote: ['read'] });
    const button = await screen.findByTestId('convert-from_quote');
    await act(async () => fireEvent.click(button));
    expect((await screen.findAllByText('根据本记录生成销售订单？')).length).toBeGreaterThan(0);
    await act(async () => fireEvent.click(screen.getByTestId('convert-ok')));
    await waitFor(() => expect(onFailure).toHaveBeenCalled());
    const e = onFailure.mock.calls[0][0] as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe('quote #1 cannot be converted now');
  });
});
