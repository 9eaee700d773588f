// The admin's journey, through the UI only: export the application, create a
// user with the sales_rep role, make order.discount read-only for sales_rep
// and see it take effect for that user at once (a second browser), ask why,
// import the earlier export again (which gives the field back), and group two
// fields of a form into a tab in the designer and see it in the preview.

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { admin, startServer, type Server } from './server';
import { browserAvailable, launch, shot } from './browser';

const run = browserAvailable();

const rep = { email: 'lin.rep@example.com', name: 'Lin Rep', password: 'rep-password-1' };

describe.skipIf(!run)('access admin in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let repCtx: BrowserContext;
  let page: Page;
  let repPage: Page;
  const zipPath = join(tmpdir(), `mosaic-e2e-app-${process.pid}.zip`);
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', acceptDownloads: true });
    adminCtx.setDefaultTimeout(15_000);
    page = await adminCtx.newPage();
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // note: the user signs in in a context of their own, with Chinese, as
    // a second person on another machine would.
    repCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    repCtx.setDefaultTimeout(15_000);
    repPage = await repCtx.newPage();
    repPage.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  beforeEach((ctx) => {
    onTestFailed(async () => {
      await shot(page, `admin-failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {});
      await shot(repPage, `admin-failed-rep-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {});
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Picks an option of an antd Select found by the label of its input.
   * A multiple select's list stays open after a pick: `first` opens it,
   * `more` picks from it as it is (clicking the select would close it). */
  async function pick(p: Page, select: Locator, option: string | RegExp, mode: 'single' | 'first' | 'more' = 'single', search = '') {
    if (mode !== 'more') await select.locator('xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]').click();
    // note: long lists are virtual; typing brings the option into the list.
    if (search) await p.keyboard.type(search);
    await p.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: option }).first().click();
    if (mode === 'single') await expect.poll(() => select.getAttribute('aria-expanded')).not.toBe('true');
  }

  /** Opens the new-order form as the user and says whether discount can be typed in. */
  async function repDiscountEditable(): Promise<boolean> {
    await repPage.goto(`${server.url}/studio/forms/order/records/new`);
    await repPage.locator('[data-field="discount"]').waitFor();
    return (await repPage.locator('#field-discount').count()) === 1;
  }

  it('signs in and exports the application as a zip', async () => {
    await page.goto(`${server.url}/studio/login`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/studio\/forms$/);

    await page.getByRole('menuitem', { name: 'Application' }).click();
    await page.waitForURL(/\/studio\/apps$/);
    await page.getByText('order_approval').or(page.getByText('order-approval')).first().waitFor();
    await shot(page, 'admin-01-apps');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export zip' }).click()]);
    expect(download.suggestedFilename()).toBe('mosaic-application.zip');
    await download.saveAs(zipPath);
    const zip = readFileSync(zipPath);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.includes(Buffer.from('roles/sales_rep.json'))).toBe(true);
  });

  it('creates a user with the sales_rep role', async () => {
    await page.getByRole('menuitem', { name: 'Access' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const drawer = page.locator('.ant-drawer');
    await drawer.getByLabel('Email').fill(rep.email);
    await drawer.getByLabel('Name').fill(rep.name);
    await drawer.getByLabel('Password').fill(rep.password);
    await pick(page, drawer.getByLabel('Roles'), /^sales_rep$/, 'first');
    await page.keyboard.press('Escape');
    await shot(page, 'admin-02-new-user');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await page.getByText('User saved').waitFor();
    const row = page.locator('tr', { hasText: rep.email });
    await row.waitFor();
    await expect.poll(() => row.locator('.ant-tag').filter({ hasText: 'sales_rep' }).count()).toBe(1);
    await shot(page, 'admin-03-users');

    // The new user signs in elsewhere: discount is theirs to type.
    await repPage.goto(`${server.url}/studio/login`);
    await repPage.getByLabel('邮箱').fill(rep.email);
    await repPage.getByLabel('密码').fill(rep.password);
    await repPage.getByRole('button', { name: '登录' }).click();
    await repPage.waitForURL(/\/studio\/forms$/);
    expect(await repDiscountEditable()).toBe(true);
    await shot(repPage, 'admin-04-rep-before');
  });

  it('keeps departments as a tree and issues an API key shown once', async () => {
    await page.getByRole('tab', { name: 'Departments' }).click();
    const pane = page.getByRole('tabpanel', { name: 'Departments' });
    await pane.getByRole('button', { name: 'Add department' }).click();
    await page.getByText('Department added').first().waitFor();
    await pane.getByLabel('Department name').fill('Sales 销售');
    await pane.getByRole('button', { name: 'Save' }).click();
    await pane.locator('.ant-tree-title', { hasText: 'Sales 销售' }).waitFor();
    await pane.getByRole('button', { name: 'Add sub-department' }).click();
    await expect.poll(() => pane.getByLabel('Department name').inputValue()).toBe('New sub-department');
    await pane.getByLabel('Department name').fill('East 华东');
    await pane.getByRole('button', { name: 'Save' }).click();
    await pane.locator('.ant-tree-title', { hasText: 'East 华东' }).waitFor();
    // East sits one level under Sales.
    const indent = (name: string) => pane.locator('.ant-tree-treenode', { hasText: name }).locator('.ant-tree-indent-unit').count();
    expect(await indent('Sales 销售')).toBe(0);
    expect(await indent('East 华东')).toBe(1);
    await shot(page, 'admin-04b-departments');

    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'New API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('ERP sync');
    await pick(page, dialog.getByLabel('Acts as'), rep.email);
    await pick(page, dialog.getByLabel('Roles'), /^sales_rep$/, 'first');
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secret = page.locator('.api-key-secret');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/mk_[0-9A-Za-z]{40}/);
    await shot(page, 'admin-04c-api-key-once');
    await page.getByRole('dialog', { name: 'API key created' }).getByRole('button', { name: 'OK' }).click();
    const row = page.locator('tr', { hasText: 'ERP sync' });
    await row.getByText('Active').waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'OK' }).click();
    await row.getByText('Revoked', { exact: true }).waitFor();
  });

  it('makes discount read-only for sales_rep, effective at once', async () => {
    await page.getByRole('tab', { name: 'Roles & permissions' }).click();
    await page.getByText('What each role may do').waitFor();
    const level = page.getByLabel('discount sales_rep');
    await level.scrollIntoViewIfNeeded();
    await pick(page, level, /^Read$/);
    await page.getByText('1 roles changed').waitFor();

    // A filter scope is compiled as it is typed; going back to "own" leaves
    // only the field change to publish.
    await pick(page, page.getByLabel('sales_rep scope'), 'Filter…');
    const filter = page.getByLabel('sales_rep filter');
    await filter.fill('region ==');
    const problem = page.locator('.field-problem');
    await problem.first().waitFor();
    await filter.scrollIntoViewIfNeeded();
    await shot(page, 'admin-05a-filter-error');
    await filter.fill('region == user.region');
    await expect.poll(() => problem.count()).toBe(0);
    await pick(page, page.getByLabel('sales_rep scope'), 'Own records');
    await shot(page, 'admin-05-matrix');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('1 roles published; access is updated').waitFor();

    expect(await repDiscountEditable()).toBe(false);
    await repPage.locator('[data-field="discount"]').scrollIntoViewIfNeeded();
    await shot(repPage, 'admin-06-rep-after');
  });

  it('explains why', async () => {
    await page.getByRole('tab', { name: 'Explain access' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Explain access' });
    await pick(page, panel.getByLabel('User', { exact: true }), rep.email);
    await pick(page, panel.getByLabel('Form', { exact: true }), '(order)');
    await pick(page, panel.getByLabel('Action', { exact: true }), /^Update$/);
    await pick(page, panel.getByLabel('Field', { exact: true }), '(discount)', 'single', 'discount');
    await panel.getByRole('button', { name: 'Explain' }).click();
    await panel.getByText('Allowed', { exact: true }).waitFor();
    await expect.poll(() => panel.locator('.ant-descriptions').textContent()).toContain('discount: Read');
    await shot(page, 'admin-07-explain');
  });

  it('imports the earlier export: a dry run names what changes, then it is live', async () => {
    await page.getByRole('menuitem', { name: 'Application' }).click();
    await page.locator('input[type=file]').setInputFiles(zipPath);
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/Dry run: 0 new, 1 changed, \d+ unchanged/).waitFor();
    await expect.poll(() => dialog.locator('tr', { hasText: 'sales_rep' }).textContent()).toContain('Changed');
    await shot(page, 'admin-08-import-dry-run');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported: 1 definitions published').waitFor();
    await shot(page, 'admin-09-imported');

    expect(await repDiscountEditable()).toBe(true);
  });

  it('groups two fields into a tab in the designer and sees it in the preview', async () => {
    await page.goto(`${server.url}/studio/forms/customer/design`);
    await page.locator('.ant-segmented-item', { hasText: 'Layout' }).click();
    await page.getByTestId('layout-editor').waitFor();
    await page.getByRole('button', { name: 'Add tab' }).click();
    await page.getByLabel('Title of tab 1').fill('Reach us');
    const fields = page.getByLabel('Fields of section Reach us 1');
    await pick(page, fields, '(contact_phone)', 'first');
    await pick(page, fields, '(contact_email)', 'more');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);
    await shot(page, 'admin-10-layout-editor');

    await page.locator('.ant-segmented-item', { hasText: 'Preview' }).click();
    const preview = page.getByTestId('preview');
    await preview.getByRole('tab', { name: 'Reach us' }).click();
    await preview.locator('#field-contact_email').waitFor({ state: 'visible' });
    const section = preview.getByRole('tabpanel', { name: 'Reach us' });
    expect(await section.locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual([
      'contact_phone',
      'contact_email',
    ]);
    // They left the section they were in; the contact name (and the contacts
    // table the example keeps beside it) stay there.
    expect(await preview.locator('[data-section="Contact 联系方式"] [data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual([
      'contact_name',
      'contacts',
    ]);
    await shot(page, 'admin-11-layout-preview');
    expect(consoleErrors).toEqual([]);
  });
});
