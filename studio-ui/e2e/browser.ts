// Debian's Chromium driven by playwright-core: never a downloaded browser.

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onTestFailed, type TestContext } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const chromiumPath = process.env.MOSAIC_CHROMIUM ?? '/usr/bin/chromium';
export const shotsDir = resolve(__dirname, '..', 'test-results');

/** Whether the browser tests can run here. Under CI they must: a missing
 * browser fails instead of skipping. */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI === 'true') throw new Error(`no Chromium at ${chromiumPath}: .ci/run installs Debian's chromium package`);
  console.warn(`browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium)`);
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // note: this machine's network is closed; without these Chromium keeps
    // trying to reach Google's services at every start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A Chinese-speaking browser context with one page at viewport; the
 * page's console errors and uncaught exceptions are added to errors, which
 * the tests expect to stay empty. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  errors: string[],
  options: { acceptDownloads?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page };
}

/** A beforeEach hook: when a test fails, a screenshot of the page (as it is
 * then) is saved as <prefix><test name>. */
export function shotWhenFailed(page: () => Page, prefix: string): (ctx: TestContext) => void {
  return (ctx) => {
    onTestFailed(async () => {
      await shot(page(), `${prefix}${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => {});
    });
  };
}

/** Saves a screenshot of the page as test-results/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: false });
}

/** Saves a screenshot once the page's animations have settled; with keepAs
 * and MOSAIC_SCREENSHOTS=1, also into the example's walkthrough folder
 * under that name (normal runs leave the tree clean). */
export async function settledShot(page: Page, name: string, keepAs?: string): Promise<void> {
  // note: a modal or tooltip still fading in would be caught half-drawn;
  // endless animations (spinners) are left alone.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => {}))),
  );
  await shot(page, name);
  if (keepAs && process.env.MOSAIC_SCREENSHOTS === '1') {
    const walkthrough = resolve(__dirname, '..', '..', 'examples', 'order-management', 'screenshots');
    mkdirSync(walkthrough, { recursive: true });
    copyFileSync(join(shotsDir, `${name}.png`), join(walkthrough, `${keepAs}.png`));
  }
}

/** Drags from the middle of source to target with the mouse, in small steps
 * as a hand would, so dnd-kit's pointer sensor sees a real drag. where picks
 * the vertical spot on the target: its top, middle or bottom edge. */
export async function drag(page: Page, source: Locator, target: Locator, where: 'top' | 'middle' | 'bottom' = 'middle'): Promise<void> {
  await source.scrollIntoViewIfNeeded();
  const s = await source.boundingBox();
  if (!s) throw new Error('drag source is not visible');
  const sx = s.x + s.width / 2;
  const sy = s.y + s.height / 2;
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  await page.mouse.move(sx + 8, sy + 8, { steps: 4 });
  const t = await target.boundingBox();
  if (!t) throw new Error('drop target is not visible');
  const ty = where === 'top' ? t.y + 6 : where === 'bottom' ? t.y + t.height - 6 : t.y + t.height / 2;
  const tx = t.x + t.width / 2;
  await page.mouse.move(tx, ty, { steps: 20 });
  await page.mouse.move(tx, ty + 1, { steps: 2 });
  await page.mouse.up();
}
