// The customer's journey in the portal: through the API an order of 150,000
// for customer A is approved (its contract drafted by the flow, a PDF
// attached) and customer B has an order of their own. A opens their link:
// the order stands at "approved" with dates, the contract downloads, a
// service request is sent and listed; the e-mailed invitation signs the
// contract and the tracker moves on. B's link shows none of A's. On a
// desktop and on a phone, in Chinese, with screenshots.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { admin, startServer, type Server } from './server';
import { browserAvailable, launch, shot, shotWhenFailed } from './browser';

const run = browserAvailable();

/** A one-page PDF saying text (ASCII), with a correct cross-reference
 * table, so Chromium's viewer shows it. */
function pdf(text: string): string {
  const stream = `BT /F1 18 Tf 60 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

describe.skipIf(!run)('customer portal in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let desktop: BrowserContext;
  let phone: BrowserContext;
  let page: Page;
  let token = '';
  const consoleErrors: string[] = [];
  const setup = { customerA: 0, orderA: 0, numberA: '', orderB: 0, numberB: '', contract: 0, linkA: '', linkB: '', signURL: '' };

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Approves, as each director in turn, their tasks on instance id until
   * it ends. */
  async function approveAll(instance: number, approvers: string[]) {
    for (let round = 0; round < 6; round++) {
      const inst = await call<{ state: string }>('GET', `/api/v1/flows/instances/${instance}`);
      if (inst.state !== 'running') break;
      for (const tok of approvers) {
        const as = { Authorization: `Bearer ${tok}` };
        const inbox = await call<{ items: { id: number; instance_id: number }[] }>('GET', '/api/v1/tasks?state=pending&per_page=200', undefined, as);
        for (const task of inbox.items.filter((x) => x.instance_id === instance)) {
          await call('POST', `/api/v1/tasks/${task.id}/decide`, { decision: 'approve' }, as);
        }
      }
    }
    const last = await call<{ state: string }>('GET', `/api/v1/flows/instances/${instance}`);
    if (last.state !== 'approved') console.error(JSON.stringify(last, null, 1).slice(0, 4000));
    return last.state;
  }

  /** Adds a user with roles and returns their session token. */
  async function person(email: string, name: string, roles: string[]): Promise<string> {
    const password = 'e2e-portal-password';
    await call('POST', '/api/v1/admin/users', { email, name, password, roles });
    return (await call<{ token: string }>('POST', '/api/v1/auth/login', { email, password }, { Authorization: '' })).token;
  }

  beforeAll(async () => {
    server = await startServer();
    token = (await call<{ token: string }>('POST', '/api/v1/auth/login', admin)).token;
    const product = await call<{ id: number }>('POST', '/api/v1/forms/product/records', {
      sku: 'SRV-2U', name: '2U 机架服务器', product_line: 'hardware', unit_price: '50000.00', unit_cost: '30000.00',
    });
    const a = await call<{ id: number }>('POST', '/api/v1/forms/customer/records', { name: '华东精密制造有限公司', region: 'east' });
    const b = await call<{ id: number }>('POST', '/api/v1/forms/customer/records', { name: '北方零售集团', region: 'north' });
    const order = (customer: number, qty: number) =>
      call<{ id: number; number: string }>('POST', '/api/v1/forms/order/records', {
        customer, order_date: new Date().toISOString().slice(0, 10), region: 'east', discount: '0',
        items: [{ product: product.id, qty, unit_price: '50000.00' }],
      });
    const oa = await order(a.id, 3);
    const ob = await order(b.id, 1);
    Object.assign(setup, { customerA: a.id, orderA: oa.id, numberA: oa.number, orderB: ob.id, numberB: ob.number });
    // note: assignees are resolved when the flow reaches them, so the
    // directors exist before the order is submitted.
    const directors = [
      await person('sd@huadong.example', '王总监', ['sales_director']),
      await person('fd@huadong.example', '赵总监', ['finance_director']),
    ];
    const inst = await call<{ id: number }>('POST', `/api/v1/forms/order/records/${oa.id}/submit`, { flow: 'order_approval' });
    expect(await approveAll(inst.id, directors)).toBe('approved');
    const contracts = await call<{ items: { id: number }[] }>(
      'GET', `/api/v1/forms/contract/records?filter=${encodeURIComponent(`sales_order == ${oa.id}`)}`,
    );
    expect(contracts.items).toHaveLength(1);
    setup.contract = contracts.items[0].id;
    const upload = new FormData();
    upload.append('file', new Blob([pdf('Sales contract - Huadong Precision - 150,000.00 CNY')], { type: 'application/pdf' }), 'contract.pdf');
    const file = await call<{ id: string; name: string; size: number; type: string }>(
      'POST', '/api/v1/forms/contract/files?field=attachments', upload,
    );
    await call('PATCH', `/api/v1/forms/contract/records/${setup.contract}`, { attachments: [file] });
    setup.linkA = (await call<{ url: string; token: string }>('POST', '/api/v1/portal/links', { portal: 'customer_portal', customer: a.id })).token;
    setup.linkB = (await call<{ url: string; token: string }>('POST', '/api/v1/portal/links', { portal: 'customer_portal', customer: b.id })).token;
    setup.signURL = (await call<{ url: string; token: string }>('POST', '/api/v1/portal/sign-links', {
      form: 'contract', record: setup.contract, address: 'li.wei@huadong.example',
    })).token;

    browser = await launch();
    desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
    phone = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    for (const c of [desktop, phone]) c.setDefaultTimeout(15_000);
    page = await desktop.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  beforeEach(shotWhenFailed(() => page, 'failed-portal-'));

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens A’s link on the orders, branded, with the order at “approved”', async () => {
    await page.goto(`${server.url}/portal/t/${setup.linkA}`);
    await page.waitForURL(/\/portal$/);
    await page.getByTestId('portal-name').filter({ hasText: '摩赛克实业客户服务门户' }).waitFor();
    const cards = page.getByTestId('portal-order');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(1);
    await expect.poll(() => cards.first().textContent()).toContain(setup.numberA);
    expect(await page.getByTestId('portal-order-stage').textContent()).toBe('已审批');
    expect(await page.content()).not.toContain(setup.numberB);
    await shot(page, 'portal-01-orders-desktop');
  });

  it('follows the order on its tracker, with dates', async () => {
    await page.getByTestId('portal-order').first().click();
    await page.getByTestId('portal-tracker').waitFor();
    const today = new Date();
    const zhDate = `${today.getFullYear()}年${today.getMonth() + 1}月${today.getDate()}日`;
    for (const s of ['submitted', 'approved']) {
      expect(await page.getByTestId(`stage-${s}`).getAttribute('data-reached')).toBe('true');
      expect(await page.getByTestId(`stage-${s}`).textContent()).toBe(zhDate);
    }
    for (const s of ['contract_signed', 'paid', 'delivering', 'delivered']) {
      expect(await page.getByTestId(`stage-${s}`).getAttribute('data-reached')).toBe('false');
    }
    await page.getByText('150,000.00').first().waitFor();
    await shot(page, 'portal-02-tracker-desktop');
  });

  it('downloads the contract', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('portal-download').first().click()]);
    expect(download.suggestedFilename()).toBe('contract.pdf');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toContain('Sales contract - Huadong Precision');
  });

  it('sends a service request and sees it listed', async () => {
    await page.getByText('服务请求').first().click();
    await page.waitForURL(/\/portal\/requests$/);
    await page.getByTestId('portal-new-request').click();
    await page.getByTestId('portal-request-form').waitFor();
    await page.locator('#field-subject').fill('服务器风扇噪音过大');
    await page.locator('#field-description').fill('自周一起二号机柜的服务器风扇持续高转速，请安排工程师检查。');
    await shot(page, 'portal-03-request-form-desktop');
    await page.getByTestId('portal-request-submit').click();
    const rows = page.getByTestId('portal-request');
    await rows.first().waitFor();
    expect(await rows.first().textContent()).toContain('服务器风扇噪音过大');
    expect(await page.getByTestId('portal-request-status').first().textContent()).toBe('待处理');
    await shot(page, 'portal-04-requests-desktop');
  });

  it('signs the contract from the e-mailed invitation, and the tracker moves on', async () => {
    await page.goto(`${server.url}/sign/${setup.signURL}`);
    await page.waitForURL(/\/portal\/sign\//);
    await page.getByTestId('sign-title').waitFor();
    await shot(page, 'portal-05-sign-desktop');
    await page.locator('#sign-name').fill('李伟');
    await page.getByTestId('sign-agree').click();
    expect(await page.locator('#sign-name').inputValue()).toBe('李伟');
    await page.getByTestId('sign-submit').click();
    await page.getByTestId('sign-done').waitFor();
    expect(await page.getByTestId('sign-hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await shot(page, 'portal-06-signed-desktop');
    const contract = await call<{ status: string; signed_date: string }>('GET', `/api/v1/forms/contract/records/${setup.contract}`);
    expect(contract.status).toBe('signed');
    await page.goto(`${server.url}/portal/orders/order/${setup.orderA}`);
    await page.getByTestId('portal-tracker').waitFor();
    expect(await page.getByTestId('stage-contract_signed').getAttribute('data-reached')).toBe('true');
  });

  it('works on a phone', async () => {
    const p = await phone.newPage();
    await p.goto(`${server.url}/portal/t/${setup.linkA}`);
    await p.getByTestId('portal-order').first().waitFor();
    await shot(p, 'portal-07-orders-phone');
    await p.getByTestId('portal-order').first().click();
    await p.getByTestId('portal-tracker').waitFor();
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await shot(p, 'portal-08-tracker-phone');
    await p.goto(`${server.url}/portal/requests`);
    await p.getByTestId('portal-new-request').click();
    await p.getByTestId('portal-request-form').waitFor();
    await shot(p, 'portal-09-request-form-phone');
    await p.close();
  });

  it('shows B none of A’s', async () => {
    const p = await phone.newPage();
    await p.goto(`${server.url}/portal/t/${setup.linkB}`);
    const cards = p.getByTestId('portal-order');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(1);
    expect(await cards.first().textContent()).toContain(setup.numberB);
    expect(await p.content()).not.toContain(setup.numberA);
    await p.goto(`${server.url}/portal/requests`);
    await p.getByText('您还没有提交服务请求。').waitFor();
    expect(await p.getByTestId('portal-request').count()).toBe(0);
    await shot(p, 'portal-10-other-customer-phone');
    const res = await fetch(`${server.url}/api/v1/portal/records/order/${setup.orderA}`, { headers: { 'X-Portal-Token': setup.linkB } });
    expect(res.status).toBe(404);
    await p.close();
  });

  it('lets a portal user sign in to their own orders', async () => {
    await call('POST', '/api/v1/admin/users', {
      email: 'buyer@huadong.example', name: '采购 李伟', password: 'portal-user-password', roles: [], attributes: { portal_customer: setup.customerA },
    });
    const p = await phone.newPage();
    await p.goto(`${server.url}/portal/login/customer_portal`);
    await p.locator('#portal-email').fill('buyer@huadong.example');
    await p.locator('#portal-password').fill('portal-user-password');
    await p.getByRole('button', { name: '登录' }).click();
    await p.waitForURL(/\/portal$/);
    await p.getByTestId('portal-order').first().waitFor();
    expect(await p.getByTestId('portal-order').first().textContent()).toContain(setup.numberA);
    await shot(p, 'portal-11-user-signed-in-phone');
    await p.close();
  });

  it('wrote no errors to the console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
