// The report and dashboard journey through the UI: an analyst builds a bar
// chart of revenue by region by dragging fields, with a drill path, sees it
// live, publishes it, puts it on a new dashboard and publishes that; then
// opens the dashboard, clicks a bar and goes down to the records behind it.
// A sales rep opens the same dashboard and sees only their own orders, and
// no margin in the records. The orders themselves are made through the API
// first: they are the data, not the subject.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { admin, startServer, type Server } from './server';
import { browserAvailable, drag, launch, shot, openPage, shotWhenFailed } from './browser';
import { bars, clickBar } from './charts';

const run = browserAvailable();
const rep = { email: 'rep@example.com', password: 'rep-password-123' };

async function call<T>(server: Server, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function login(server: Server, who: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(who),
  });
  const data = (await res.json()) as { token: string };
  return data.token;
}

/** Orders in three regions: the admin's, and two of the rep's in the east. */
async function seedOrders(server: Server) {
  const adminToken = await login(server, admin);
  await call(server, adminToken, 'POST', '/api/v1/admin/users', { email: rep.email, name: 'Rep 销售', password: rep.password, roles: ['sales_rep'] });
  const repToken = await login(server, rep);
  const customer = await call<{ id: number }>(server, adminToken, 'POST', '/api/v1/forms/customer/records', { name: 'Acme 艾克米', region: 'east' });
  const product = await call<{ id: number }>(server, adminToken, 'POST', '/api/v1/forms/product/records', {
    sku: 'SRV',
    name: 'Server 服务器',
    product_line: 'hardware',
    unit_price: '1000.00',
    unit_cost: '600.00',
  });
  const order = (region: string, qty: number) => ({
    customer: customer.id,
    order_date: '2026-03-10',
    region,
    items: [{ product: product.id, qty, unit_price: '1000.00' }],
  });
  for (const [region, qty] of [
    ['east', 3],
    ['north', 5],
    ['north', 2],
    ['south', 1],
  ] as const)
    await call(server, adminToken, 'POST', '/api/v1/forms/order/records', order(region, qty));
  await call(server, repToken, 'POST', '/api/v1/forms/order/records', order('east', 4));
  await call(server, repToken, 'POST', '/api/v1/forms/order/records', order('east', 2));
}

describe.skipIf(!run)('reports and dashboards in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    await seedOrders(server);
    browser = await launch();
    ({ page } = await openPage(browser, { width: 1280, height: 860 }, consoleErrors));
  });

  beforeEach(shotWhenFailed(() => page, 'reports-failed-'));

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(p: Page, who: { email: string; password: string }, next: string) {
    await p.goto(`${server.url}${next}`);
    await p.waitForURL(/\/studio\/login/);
    await p.getByLabel('邮箱').fill(who.email);
    await p.getByLabel('密码').fill(who.password);
    await p.getByRole('button', { name: '登录' }).click();
    await p.waitForURL((u) => !u.pathname.endsWith('/login'));
  }

  async function pick(p: Page, select: Locator, option: string | RegExp) {
    await select.click();
    await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
  }

  it('builds a bar chart report with a drill path by dragging fields, live', async () => {
    await signIn(page, admin, '/studio/reports');
    await page.getByTestId('new-report').click();
    await page.locator('#new-report-title').fill('Revenue by region 区域销售额');
    await expect.poll(() => page.locator('#new-report-key').inputValue()).toBe('revenue_by_region');
    await pick(page, page.locator('#new-report-source'), '(order)');
    await page.getByRole('button', { name: '创 建' }).or(page.getByRole('button', { name: '创建' })).click();
    await page.waitForURL(/\/studio\/reports\/design\/revenue_by_region$/);
    await page.getByTestId('field-region').waitFor();
    await shot(page, 'reports-01-designer-empty');

    await drag(page, page.getByTestId('field-region'), page.getByTestId('zone-dimensions'));
    await page.getByTestId('dimensions-region').waitFor();
    await drag(page, page.getByTestId('field-amount'), page.getByTestId('zone-measures'));
    await page.getByTestId('measures-amount').waitFor();
    await drag(page, page.getByTestId('field-type'), page.getByTestId('zone-drill'));
    await page.getByTestId('drill-type').waitFor();
    // the results are live: three regions of the admin's orders (east has the rep's too)
    const preview = page.getByTestId('report-preview');
    await preview.locator('.ant-table-row').nth(2).waitFor();
    await expect.poll(async () => (await bars(preview)).length).toBe(3);
    await expect.poll(() => preview.locator('.ant-table-row').allInnerTexts()).toEqual([
      expect.stringMatching(/东区|East|east/),
      expect.stringMatching(/北区|North|north/),
      expect.stringMatching(/南区|South|south/),
    ]);
    await shot(page, 'reports-02-designer-bar');

    // a filter dropped and set narrows the live results; removed, they come back
    await drag(page, page.getByTestId('field-region'), page.getByTestId('zone-filters'));
    await pick(page, page.getByTestId('filter-0').getByLabel('值'), '华北');
    await expect.poll(() => preview.locator('.ant-table-row').count()).toBe(1);
    await shot(page, 'reports-03-designer-filter');
    await page.getByTestId('filter-0').getByRole('button', { name: '删除' }).click();
    await expect.poll(() => preview.locator('.ant-table-row').count()).toBe(3);

    // as a sales rep would see it: only rows they own (here the admin's), never the rep's orders
    await expect.poll(() => preview.locator('.ant-table-row').first().innerText()).toContain('¥9,000.00');
    await pick(page, preview.getByLabel('预览身份'), '销售代表');
    await expect.poll(() => preview.locator('.ant-table-row').first().innerText()).toContain('¥3,000.00');
    await shot(page, 'reports-03b-designer-as-rep');
    await preview.getByLabel('预览身份').hover();
    await preview.locator('.ant-select-clear').click();
    await expect.poll(() => preview.locator('.ant-table-row').first().innerText()).toContain('¥9,000.00');

    await page.getByTestId('publish').click();
    await page.getByText('已发布版本 1').waitFor();
    await page.getByText('v1', { exact: true }).waitFor();
  });

  it('puts the report on a new dashboard and publishes it', async () => {
    await page.goto(`${server.url}/studio/reports`);
    await page.getByTestId('new-dashboard').click();
    await page.locator('#new-report-title').fill('Regional sales 区域销售看板');
    await page.getByRole('button', { name: '创 建' }).or(page.getByRole('button', { name: '创建' })).click();
    await page.waitForURL(/\/studio\/reports\/dashboards\/regional_sales\/design$/);
    await drag(page, page.getByTestId('report-revenue_by_region'), page.getByTestId('dashboard-grid'));
    await page.getByTestId('tile-revenue_by_region').waitFor();
    await drag(page, page.getByTestId('report-sales_funnel'), page.getByTestId('dashboard-grid'));
    await page.getByTestId('tile-sales_funnel').waitFor();
    await shot(page, 'reports-04-dashboard-designer');
    await page.getByRole('tab', { name: '预览' }).click();
    await page.getByTestId('dashboard-preview').getByTestId('widget-revenue_by_region').locator('.report-chart svg').waitFor();
    await shot(page, 'reports-05-dashboard-preview');
    await page.getByTestId('publish').click();
    await page.getByText('已发布版本 1').waitFor();
  });

  it('opens the dashboard, clicks a bar and drills down to the records', async () => {
    await page.goto(`${server.url}/studio/reports?tab=dashboards`);
    await page.getByTestId('open-regional_sales').click();
    await page.waitForURL(/\/studio\/reports\/dashboards\/regional_sales$/);
    const widget = page.getByTestId('widget-revenue_by_region');
    await widget.locator('.report-chart svg').waitFor();
    await expect.poll(async () => (await bars(widget)).length).toBe(3);
    await shot(page, 'reports-06-dashboard');
    // the second bar is the north: two orders of the admin's
    await clickBar(widget, 1);
    const drawer = page.getByRole('dialog');
    await drawer.getByTestId('drill-caption').filter({ hasText: /北/ }).waitFor();
    await drawer.locator('.report-chart svg').waitFor();
    await shot(page, 'reports-07-drill-level');
    // the drill path's level (order type): one bar, the standard orders
    await clickBar(drawer, 0);
    await drawer.getByTestId('drill-records').waitFor();
    await expect.poll(() => drawer.getByTestId('drill-records').locator('.ant-table-row').count()).toBe(2);
    expect(await drawer.getByTestId('drill-records').innerText()).toContain('共 2 条记录');
    // the admin may read margins: the column is there
    await expect.poll(() => drawer.locator('.ant-table-thead').innerText()).toContain('毛利');
    await shot(page, 'reports-08-drill-records');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a sales rep only their own orders, and no margin in the records', async () => {
    const repContext = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    repContext.setDefaultTimeout(15_000);
    const repPage = await repContext.newPage();
    try {
      await signIn(repPage, rep, '/studio/reports/dashboards/regional_sales');
      const widget = repPage.getByTestId('widget-revenue_by_region');
      await widget.locator('.report-chart svg').waitFor();
      // one bar: the east, their two orders
      await expect.poll(async () => (await bars(widget)).length).toBe(1);
      await shot(repPage, 'reports-09-rep-dashboard');
      await clickBar(widget, 0);
      const drawer = repPage.getByRole('dialog');
      await drawer.locator('.report-chart svg').waitFor();
      await clickBar(drawer, 0);
      await drawer.getByTestId('drill-records').waitFor();
      await expect.poll(() => drawer.getByTestId('drill-records').locator('.ant-table-row').count()).toBe(2);
      // the columns come with the form's labels; margin and cost are not among them
      await expect.poll(() => drawer.locator('.ant-table-thead').innerText()).toContain('订单金额');
      const head = await drawer.locator('.ant-table-thead').innerText();
      expect(head).toContain('订单金额');
      expect(head).not.toContain('毛利');
      expect(head).not.toContain('成本');
      await shot(repPage, 'reports-10-rep-drill-records');
    } finally {
      await repContext.close();
    }
  });
});
