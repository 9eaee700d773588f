// Reading and clicking ECharts bar charts drawn as SVG, for the tests that
// drill down from a report.

import type { Locator } from 'playwright-core';

/** The bars of a bar chart, left to right (ECharts' SVG draws each as a path). */
export async function bars(chart: Locator): Promise<Locator[]> {
  const paths = chart.locator('.report-chart svg path');
  const boxes: { i: number; x: number; h: number }[] = [];
  const n = await paths.count();
  for (let i = 0; i < n; i++) {
    const fill = await paths.nth(i).getAttribute('fill');
    // note: the grey shadow under the pointer is a path too, drawn see-through
    if ((await paths.nth(i).getAttribute('fill-opacity')) !== null) continue;
    const box = await paths.nth(i).boundingBox();
    if (fill && fill !== 'none' && /^#|rgb/.test(fill) && box && box.width > 8 && box.height > 8) boxes.push({ i, x: box.x, h: box.height });
  }
  return boxes.sort((a, b) => a.x - b.x).map((b) => paths.nth(b.i));
}

/** Clicks a bar once it has come to rest. ECharts grows its bars and the
 * drawer slides in, so a box read mid-animation sends the click beside the
 * bar; the box must read the same twice, 100 ms apart.
 * note: ECharts hit-tests its own shapes, so the pointer's shadow drawn over
 * the bar (an SVG element on top) does not take the click from a user; the
 * browser's check that nothing covers it is skipped. */
export async function clickBar(chart: Locator, i: number): Promise<void> {
  let last: string | undefined;
  for (let tries = 0; tries < 100; tries++) {
    const bar = (await bars(chart))[i];
    const box = bar ? await bar.boundingBox() : null;
    const now = box ? [box.x, box.y, box.width, box.height].map(Math.round).join(',') : undefined;
    if (bar && now && now === last) {
      await bar.click({ force: true });
      return;
    }
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`bar ${i} of the chart never came to rest`);
}
