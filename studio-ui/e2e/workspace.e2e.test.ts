// The seed's order story in the workspace, through the UI only: a sales rep
// signs in at /app, creates an order of 150,000 with three lines (the total
// shown live, a bad phone number rejected on the field as typed) and
// submits it; the sales director and the finance director each see the
// task on their bell and approve it from their inbox; the record page shows
// the timeline. The rep never sees the margin: not in the form, the list,
// the export or the record page. The setup (users, a customer, products)
// goes through the admin API, as an administrator would prepare it.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { admin, startServer, type Server } from './server';
import { browserAvailable, launch, openPage, shot } from './browser';
import { apiCall, login, pickOption, signInToApp } from './people';

const run = browserAvailable();
const password = 'e2e-user-password';
const rep = { email: 'rep@example.com', name: '李销售' };
const sd = { email: 'sd@example.com', name: '王总监' };
const fd = { email: 'fd@example.com', name: '赵财务' };

describe.skipIf(!run)('workspace in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  let orderURL = '';
  const consoleErrors: string[] = [];

  const call = <T>(tok: string, method: string, path: string, body?: unknown) => apiCall<T>(server.url, tok, method, path, body);
  const token = (email: string, pw: string) => login(server.url, email, pw);

  /** A fresh browser (own session) for one person. */
  async function person(width = 1280, height = 860): Promise<Page> {
    const { context, page } = await openPage(browser, { width, height }, consoleErrors, { acceptDownloads: true });
    contexts.push(context);
    pages.push(page);
    return page;
  }

  const signIn = (page: Page, email: string) => signInToApp(page, server.url, email, password);
  const pick = pickOption;

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    const adm = await token(admin.email, admin.password);
    const dept = await call<{ id: number }>(adm, 'POST', '/api/v1/admin/departments', { name: '销售部' });
    for (const [u, role] of [
      [rep, 'sales_rep'],
      [sd, 'sales_director'],
      [fd, 'finance_director'],
    ] as const) {
      await call(adm, 'POST', '/api/v1/admin/users', { email: u.email, name: u.name, password, roles: [role], department_ids: role === 'finance_director' ? [] : [dept.id] });
    }
    await call(adm, 'POST', '/api/v1/forms/customer/records', { name: 'Acme 上海', region: 'east' });
    for (const [sku, price] of [
      ['SKU-A', '5000.00'],
      ['SKU-B', '2500.00'],
      ['SKU-C', '10000.00'],
    ]) {
      await call(adm, 'POST', '/api/v1/forms/product/records', { sku, name: `产品 ${sku}`, product_line: 'hardware', unit_price: price, unit_cost: '1000.00' });
    }
  });

  beforeEach((ctx) => {
    onTestFailed(async () => {
      for (const [i, p] of pages.entries()) await shot(p, `ws-failed-${ctx.task.name.replace(/\W+/g, '-')}-${i}`).catch(() => {});
      console.log(server.log().slice(-3000));
    });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('a sales rep creates and submits an order of 150,000 through the generated form', async () => {
    const page = await person();
    await signIn(page, rep.email);
    await shot(page, 'ws-01-rep-inbox');
    await page.getByRole('menuitem', { name: '销售订单' }).click();
    await page.waitForURL(/\/app\/forms\/order$/);
    await page.getByTestId('new-record').click();
    await page.waitForURL(/\/app\/forms\/order\/new$/);
    await expect.poll(() => page.locator('[data-field="customer"]').count()).toBe(1);
    // The rep's form has no margin and no cost at all.
    expect(await page.locator('[data-field="margin"]').count()).toBe(0);
    expect(await page.locator('[data-field="cost"]').count()).toBe(0);
    expect(await page.getByText('毛利').count()).toBe(0);

    await pick(page, 'field-customer', 'Acme', 'Acme');
    // A bad phone number is refused on the field while it is typed.
    await page.locator('#field-contact_phone').fill('138-abc');
    const phoneItem = page.locator('[data-field="contact_phone"]');
    await phoneItem.getByText('请输入电话号码').waitFor();
    await shot(page, 'ws-02-bad-phone');
    await page.locator('#field-contact_phone').fill('+86 138 0000 0000');
    await expect.poll(() => phoneItem.getByText('请输入电话号码').count()).toBe(0);

    const lines: [string, string, string][] = [
      ['SKU-A', '10', '5000'],
      ['SKU-B', '20', '2500'],
      ['SKU-C', '5', '10000'],
    ];
    for (const [i, [sku, qty, price]] of lines.entries()) {
      await page.locator('.sub-table-add').click();
      await pick(page, `items-${i}-product`, sku, sku);
      await page.locator(`#items-${i}-qty`).fill(qty);
      if (i === 0) {
        // the first line's price comes from the product (its fill), as a
        // preview the rep could still change.
        await expect.poll(() => page.locator('#items-0-unit_price').inputValue()).toMatch(/^5,?000(\.00)?$/);
        continue;
      }
      await page.locator(`#items-${i}-unit_price`).fill(price);
      await page.locator(`#items-${i}-unit_price`).blur();
    }
    // The formulas run as the user types: each line and the order's total.
    await expect.poll(() => page.getByTestId('value-amount').textContent()).toContain('150,000.00');
    await expect.poll(() => page.getByTestId('value-subtotal').textContent()).toContain('150,000.00');
    await shot(page, 'ws-03-order-filled');

    await page.getByTestId('save-submit').click();
    await page.waitForURL(/\/app\/forms\/order\/\d+$/);
    orderURL = page.url();
    await page.getByTestId('show-amount').filter({ hasText: '150,000.00' }).waitFor();
    expect(await page.locator('[data-testid="show-margin"], [data-testid="show-cost"]').count()).toBe(0);
    expect(await page.getByText('毛利').count()).toBe(0);
    await page.getByRole('tab', { name: '审批进度' }).click();
    await page.getByTestId('instance-state').filter({ hasText: '进行中' }).waitFor();
    await shot(page, 'ws-04-rep-record-submitted');
  });

  it('the rep sees no margin in the list or the export', async () => {
    const page = pages[0];
    await page.getByRole('menuitem', { name: '销售订单' }).click();
    await page.waitForURL(/\/app\/forms\/order$/);
    await page.getByTestId('record-table').locator('tbody tr.ant-table-row').first().waitFor();
    const headers = await page.locator('.ant-table-thead th').allTextContents();
    expect(headers.join('|')).toContain('订单金额');
    expect(headers.join('|')).not.toContain('毛利');
    expect(headers.join('|')).not.toContain('成本');
    await shot(page, 'ws-05-rep-list');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-all').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const header = csv.split('\n')[0];
    expect(header).toContain('Amount');
    expect(header).not.toMatch(/margin|毛利|Cost|成本/i);
    expect(csv).toContain('150000');
  });

  for (const [who, step] of [
    [sd, '销售总监'],
    [fd, '财务总监'],
  ] as const) {
    it(`the ${who === sd ? 'sales' : 'finance'} director approves from the inbox`, async () => {
      const page = await person();
      await signIn(page, who.email);
      // The bell counts the new task.
      await expect.poll(() => page.getByTestId('bell-count').textContent()).toContain('1');
      await page.getByTestId('task-row').first().waitFor();
      await shot(page, `ws-06-${who === sd ? 'sd' : 'fd'}-inbox`);
      await page.getByTestId('bell').click();
      await page.getByTestId('notice').first().waitFor();
      await shot(page, `ws-07-${who === sd ? 'sd' : 'fd'}-bell`);
      await page.keyboard.press('Escape');
      await page.getByTestId('task-row').first().locator('a').click();
      await page.waitForURL(/\/app\/inbox\/\d+$/);
      await page.getByTestId('task-title').filter({ hasText: step }).waitFor();
      await page.getByLabel('意见').fill('同意');
      await shot(page, `ws-08-${who === sd ? 'sd' : 'fd'}-task`);
      await page.getByTestId('approve').click();
      await page.waitForURL(/\/app\/inbox$/);
      await page.getByText('这里没有任务').waitFor();
    });
  }

  it('the record page shows the approved timeline, and the director sees the margin the rep does not', async () => {
    const page = pages[0];
    await page.goto(orderURL);
    await page.getByRole('tab', { name: '审批进度' }).click();
    await page.getByTestId('instance-state').filter({ hasText: '通过' }).waitFor();
    const steps = await page.getByTestId('step').allTextContents();
    expect(steps.join('\n')).toContain(sd.name);
    expect(steps.join('\n')).toContain(fd.name);
    await shot(page, 'ws-09-rep-timeline');
    // The rep was told of both decisions.
    await page.getByTestId('bell').click();
    await expect.poll(() => page.getByTestId('notice').filter({ hasText: '已通过' }).count()).toBe(2);
    await shot(page, 'ws-10-rep-bell');
    await page.keyboard.press('Escape');

    const director = pages[1];
    await director.goto(orderURL);
    await director.getByTestId('show-margin').waitFor();
    await shot(director, 'ws-11-director-record');
  });

  it("the rep follows the order under 'submitted by me' and creates a customer from the order form", async () => {
    const page = pages[0];
    await page.getByRole('menuitem', { name: '待办' }).click();
    await page.getByTestId('tab-submitted').click();
    await page.getByTestId('submission-row').filter({ hasText: '通过' }).waitFor();
    await shot(page, 'ws-12-rep-submitted');

    await page.goto(`${server.url}/app/forms/order/new`);
    await page.locator('[data-field="customer"]').getByRole('button', { name: '新建一条' }).click();
    const modal = page.locator('.ant-modal');
    await modal.locator('#field-name').fill('Beta 北京');
    await modal.locator('#field-region').click();
    await modal.locator('#field-region').fill('华北');
    await modal.locator('#field-region').press('Enter');
    await expect.poll(() => modal.locator('[data-field="region"]').getByText('必填').count()).toBe(0);
    await shot(page, 'ws-13-create-customer');
    await page.getByTestId('create-related-save').click();
    await modal.waitFor({ state: 'hidden' });
    await page.locator('[data-field="customer"]').getByText('Beta 北京').first().waitFor();
    await shot(page, 'ws-13b-customer-chosen');
  });

  it('the inbox works at phone width', async () => {
    const page = await person(375, 740);
    await signIn(page, sd.email);
    await page.getByRole('button', { name: '菜单' }).waitFor();
    await page.getByTestId('tab-done').click();
    await page.getByTestId('task-row').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'ws-14-phone-inbox');
  });

  it('left no errors in the console', () => {
    expect(consoleErrors.filter((e) => !e.includes('401'))).toEqual([]);
  });
});
