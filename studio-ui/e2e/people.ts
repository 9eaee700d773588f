// The people of the workspace tests: API calls as one of them (for the
// setup an administrator does), signing in at /app, and picking an option
// in the generated form's search-selects.

import type { Page } from 'playwright-core';

/** Calls the API with a bearer token; a non-2xx answer throws with its body. */
export async function apiCall<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A session token for email. */
export async function login(url: string, email: string, password: string): Promise<string> {
  return (await apiCall<{ token: string }>(url, '', 'POST', '/api/v1/auth/login', { email, password })).token;
}

/** Signs in at /app through the login page, in Chinese; lands on the inbox. */
export async function signInToApp(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/app/`);
  await page.waitForURL(/\/app\/login/);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/app\/inbox/);
}

/** Opens an antd select by its input id, types, and picks the option containing text. */
export async function pickOption(page: Page, id: string, type: string, text: string): Promise<void> {
  const input = page.locator(`#${id}`);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
  // note: the search answers while the list is open and antd redraws it, and
  // on a loaded machine the dropdown has been seen to close under the
  // pointer; a user would open it again, and so does this, twice at most.
  for (let attempt = 1; ; attempt++) {
    await input.click();
    await input.fill(type);
    try {
      await option.click({ timeout: attempt < 3 ? 5_000 : 15_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
}
