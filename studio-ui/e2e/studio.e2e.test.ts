// The analyst's journey, through the UI only: sign in, build a new form by
// dragging five field types (a formula and a sub-table among them), watch a
// formula's compile error come and go, preview, publish, and create a record
// through the generated form. Then the conflict a second editor causes, the
// English UI, and the size of the first load.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { admin, startServer, type Server } from './server';
import { browserAvailable, drag, launch, shot, openPage, shotWhenFailed } from './browser';

const run = browserAvailable();

describe.skipIf(!run)('studio in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    ({ page } = await openPage(browser, { width: 1280, height: 800 }, consoleErrors));
  });

  beforeEach(shotWhenFailed(() => page, 'failed-'));

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const palette = (type: string) => page.locator(`.palette-item[data-type="${type}"]`);
  const canvas = () => page.getByTestId('canvas');
  const tile = (key: string) => page.getByTestId(`tile-${key}`);

  /** Drags a field type to the end of the canvas and names it. */
  async function addField(type: string, label: string, expectKey: string) {
    await drag(page, palette(type), canvas(), 'bottom');
    await expect.poll(() => page.locator('#prop-label').count()).toBe(1);
    await page.locator('#prop-label').fill(label);
    await expect.poll(() => tile(expectKey).count()).toBe(1);
  }

  async function addColumn(table: string, type: string, label: string, expectKey: string) {
    await drag(page, palette(type), page.getByTestId(`columns-${table}`), 'bottom');
    await page.locator('#prop-label').fill(label);
    await expect.poll(() => page.getByTestId(`column-${expectKey}`).count()).toBe(1);
  }

  async function tileOrder(): Promise<string[]> {
    return page.locator('[data-testid^="tile-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key') ?? ''));
  }

  it('signs in', async () => {
    await page.goto(`${server.url}/studio/`);
    await page.waitForURL(/\/studio\/login/);
    await page.getByLabel('邮箱').fill(admin.email);
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').filter({ hasText: '邮箱或密码不正确' }).waitFor();
    await shot(page, '01-login-error');
    await page.getByLabel('密码').fill(admin.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/studio\/forms$/);
    await page.getByText('销售订单').first().waitFor();
    await shot(page, '02-forms');
  });

  it('builds a form by dragging five field types', async () => {
    await page.getByRole('button', { name: '新建表单' }).click();
    await page.locator('#new-form-title').fill('Service visit 上门服务');
    expect(await page.locator('#new-form-key').inputValue()).toBe('service_visit');
    await page.getByRole('button', { name: '创建并设计' }).click();
    await page.waitForURL(/\/studio\/forms\/service_visit\/design$/);
    await canvas().waitFor();
    await shot(page, '03-designer-empty');

    await addField('text', 'Customer 客户', 'customer');
    await page.getByText('必填').first().click(); // the "required" switch's label
    await addField('integer', 'Hours 工时', 'hours');
    await addField('money', 'Hourly rate 单价', 'hourly_rate');
    await addField('sub_table', 'Parts 配件', 'parts');
    await addColumn('parts', 'integer', 'Qty 数量', 'qty');
    await addColumn('parts', 'money', 'Price 价格', 'price');
    await addColumn('parts', 'formula', 'Line total 小计', 'line_total');
    await page.locator('#prop-formula').fill('qty * price');
    await page.locator('#prop-result').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '金额' }).click();

    await addField('formula', 'Total 合计', 'total');
    await page.locator('#prop-result').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '金额' }).click();
    // A formula that does not compile yet: the server's error shows as typed.
    await page.locator('#prop-formula').fill('hours * hourly_rate +');
    const formulaError = page.locator('.expression-error');
    await formulaError.filter({ hasText: /第 1 行/ }).waitFor();
    await shot(page, '04-formula-error');
    await page.locator('#prop-formula').fill('hours * hourly_rate + sum(parts, .line_total)');
    await page.getByTestId('no-problems').waitFor();
    expect(await formulaError.count()).toBe(0);

    // Reorder: the total goes above the parts.
    expect(await tileOrder()).toEqual(['customer', 'hours', 'hourly_rate', 'parts', 'total']);
    await drag(page, tile('total').locator('.drag-handle'), tile('parts'), 'top');
    await expect.poll(tileOrder).toEqual(['customer', 'hours', 'hourly_rate', 'total', 'parts']);
    await tile('parts').locator('.tile-main').first().click();
    await shot(page, '05-designer-built');
  });

  it('previews the draft like the real form', async () => {
    await page.getByText('预览', { exact: true }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    await preview.locator('#field-hours').fill('3');
    await preview.locator('#field-hourly_rate').fill('200');
    await preview.locator('#field-customer').click();
    await expect.poll(() => preview.getByTestId('value-total').textContent()).toMatch(/600\.00/);
    await shot(page, '06-preview');
    await page.getByText('设计', { exact: true }).click();
    await canvas().waitFor();
  });

  it('publishes after showing what will change', async () => {
    await page.getByRole('button', { name: /保存草稿/ }).click();
    await page.getByText('草稿已保存').waitFor();
    await page.getByRole('button', { name: /发布/ }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('change-total').waitFor();
    for (const key of ['customer', 'hours', 'hourly_rate', 'total', 'parts']) {
      expect(await drawer.getByTestId(`change-${key}`).textContent()).toContain('新增');
    }
    expect(await drawer.textContent()).toContain('create_table');
    await drawer.getByLabel('备注').fill('first version of the service visit');
    await page.waitForTimeout(400); // the drawer's opening animation
    await shot(page, '07-publish-diff');
    await drawer.getByTestId('confirm-publish').click();
    await page.getByText('已发布 v1，表单立即生效').waitFor();
    await page.locator('.designer-status').getByText('已发布 v1').waitFor();
    await shot(page, '08-published');
  });

  it('creates a record through the generated form', async () => {
    await page.getByRole('button', { name: '新建记录' }).click();
    await page.waitForURL(/\/records\/new$/);
    await page.locator('#field-hours').waitFor();
    // Sent empty: the required fields say so, on the fields.
    await page.getByTestId('submit-record').click();
    await page.locator('[data-field="customer"] .ant-form-item-explain-error').filter({ hasText: '必填' }).waitFor();
    await shot(page, '09-record-required');

    await page.locator('#field-customer').fill('Acme 上海');
    await page.locator('#field-hours').fill('3');
    await page.locator('#field-hourly_rate').fill('200');
    await page.getByRole('button', { name: '添加一行' }).click();
    await page.locator('#parts-0-qty').fill('2');
    await page.locator('#parts-0-price').fill('50');
    await page.locator('#field-customer').click();
    await expect.poll(() => page.getByTestId('value-line_total').first().textContent()).toMatch(/100\.00/);
    await expect.poll(() => page.getByTestId('value-total').textContent()).toMatch(/700\.00/);
    await shot(page, '10-record-filled');
    await page.getByTestId('submit-record').click();
    await page.getByTestId('created-record').waitFor();
    expect(await page.getByTestId('stored-total').textContent()).toMatch(/700\.00/);
    await shot(page, '11-record-created');

    // What the server stored, computed on its side.
    const token = await page.evaluate(() => sessionStorage.getItem('mosaic.token'));
    const r = await fetch(`${server.url}/api/v1/forms/service_visit/records`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ customer: 'Acme 上海', hours: 3, hourly_rate: 200, total: 700 });
    const rec = await (await fetch(`${server.url}/api/v1/forms/service_visit/records/${body.items[0].id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(rec.parts).toMatchObject([{ qty: 2, price: 50, line_total: 100 }]);
  });

  it('tells the analyst when someone else published meanwhile', async () => {
    await page.goto(`${server.url}/studio/forms/service_visit/design`);
    await tile('hours').click();
    await page.locator('#prop-label').fill('Hours on site 现场工时');
    // Someone else publishes version 2 through the API meanwhile.
    const token = await page.evaluate(() => sessionStorage.getItem('mosaic.token'));
    const h = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const live = (await (await fetch(`${server.url}/api/v1/forms/service_visit`, { headers: h })).json()) as { definition: { title: string } };
    live.definition.title = 'Service visit (theirs) 上门服务';
    expect((await fetch(`${server.url}/api/v1/definitions`, { method: 'POST', headers: h, body: JSON.stringify(live.definition) })).status).toBe(201);
    expect((await fetch(`${server.url}/api/v1/definitions/form/service_visit/publish`, { method: 'POST', headers: h, body: '{}' })).status).toBe(200);

    await page.getByRole('button', { name: /保存草稿/ }).click();
    const message = page.getByTestId('conflict-message');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/saved a newer draft of form\/service_visit/);
    await page.waitForTimeout(400); // the dialog's opening animation
    await shot(page, '12-conflict');
    await page.getByRole('button', { name: '重新加载' }).click();
    await page.locator('.designer-status').getByText('已发布 v2').waitFor();
    expect(await page.locator('.designer-title').textContent()).toContain('上门服务');
  });

  it('rolls back to an older version from the history', async () => {
    await page.getByRole('button', { name: '版本历史' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('version-2').waitFor();
    await drawer.getByTestId('version-1').getByText('first version of the service visit').waitFor();
    await page.waitForTimeout(300); // the drawer's opening animation
    await shot(page, '13-history');
    await drawer.getByTestId('version-1').getByRole('button', { name: '回滚' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '回滚' }).click();
    await page.getByText('已回滚，现为线上版本 v3').waitFor();
    await page.locator('.designer-status').getByText('已发布 v3').waitFor();
    expect(await page.locator('.designer-title').textContent()).toBe('上门服务');
  });

  it('lists the flows, reports and who has access, as they are live', async () => {
    await page.goto(`${server.url}/studio/flows`);
    await page.getByText('订单审批').waitFor();
    await shot(page, '14-flows');
    await page.goto(`${server.url}/studio/access`);
    await page.getByText(admin.email).waitFor();
    await shot(page, '15-access');
    await page.goto(`${server.url}/studio/reports`);
    await page.getByRole('tab', { name: '仪表盘' }).waitFor();
    await shot(page, '15-reports');
    // The renderer on the example's richest form: links, people, options, dates, percent, lines.
    await page.goto(`${server.url}/studio/forms/order/records/new`);
    await page.locator('#field-customer').waitFor();
    await page.getByRole('button', { name: '添加一行' }).click();
    await shot(page, '15-order-form');
    await page.goto(`${server.url}/studio/forms/service_visit/design`);
    await tile('total').waitFor();
  });

  it('speaks English', async () => {
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('button', { name: /Save draft/ }).waitFor();
    await tile('total').click();
    await shot(page, '16-designer-english');
    await page.getByText('中文', { exact: true }).click();
    await page.getByRole('button', { name: /保存草稿/ }).waitFor();
  });

  it('keeps the first load small', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const p = await fresh.newPage();
    let bytes = 0;
    p.on('requestfinished', async (req) => {
      const sizes = await req.sizes().catch(() => null);
      if (sizes && req.url().includes('/studio/')) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    });
    await p.goto(`${server.url}/studio/login`, { waitUntil: 'networkidle' });
    await p.getByLabel('邮箱').fill(admin.email);
    await p.getByLabel('密码').fill(admin.password);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByText('销售订单').first().waitFor();
    await p.waitForLoadState('networkidle');
    console.log(`first load (login page, then the form list), as transferred: ${(bytes / 1024).toFixed(0)} KiB`);
    expect(bytes).toBeLessThan(1.5 * 1024 * 1024);
    await fresh.close();
  });

  it('logged no errors in the browser console', () => {
    if (consoleErrors.length) console.log(consoleErrors.join('\n'));
    expect(consoleErrors.filter((e) => !/status of 409|status of 401|status of 422/.test(e))).toEqual([]);
  });
});
