import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, chartsDrawn, watchedPage } from './__fixtures__/Browser.js';
import { buildExampleRunsBase, type ExampleRunsBase } from './__fixtures__/ExampleRunsBase.js';
import { startDashboard, type RunningDashboard } from './DashboardServer.js';

if (!CHROMIUM)
  console.warn(
    'SKIPPED: the dashboard browser test needs a chromium (apt-get install chromium, or set CHROMIUM_PATH); none found',
  );

describe.skipIf(!CHROMIUM)('the dashboard in headless Chromium', () => {
  let root: string;
  let fx: ExampleRunsBase;
  let server: RunningDashboard;
  let browser: Browser;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dashboard-browser-'));
    await mkdir(ARTIFACTS, { recursive: true });
    fx = await buildExampleRunsBase(root);
    console.log(`dashboard browser test over ${fx.how}`);
    server = await startDashboard({ runsBase: fx.base, port: 0, log: () => {} });
    browser = await chromium.launch({ executablePath: CHROMIUM as string });
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('runs page: both runs listed, no console error or failed request; clicking a run opens it', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${server.url}/`);
    expect(await page.locator('#runs tbody tr').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'runs.png'), fullPage: true });
    await page.click(`#runs a[href="/runs/${fx.exampleRunId}"]`);
    await page.waitForURL(`**/runs/${fx.exampleRunId}`);
    expect(await page.locator('h1').textContent()).toBe(`Run ${fx.exampleRunId}`);
    expect(await chartsDrawn(page)).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('run page: metrics charts drawn, the report opens as HTML', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${server.url}/runs/${fx.kitRunId}`);
    expect(await chartsDrawn(page)).toBe(2);
    // Hovering a bar shows its value in a tooltip.
    await page.locator('[data-chart="chart-skill"] .mark-rect path').first().hover();
    await expect.poll(() => page.locator('#vg-tooltip-element').isVisible()).toBe(true);
    await page.goto(`${server.url}/runs/${fx.exampleRunId}`);
    const report = page.locator('#links a[href$="reports/report.html"]');
    if ((await report.count()) > 0) {
      const response = await page.request.get(`${server.url}${await report.getAttribute('href')}`);
      expect(response.headers()['content-type']).toBe('text/html; charset=utf-8');
    }
    expect(problems).toEqual([]);
  });

  it('season view: one point per slice, with its band where it is finite', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${server.url}/season?key=${fx.key}&year=${fx.seasonYear}`);
    const rows = page.locator('#season tbody tr.slice');
    const slices = await rows.count();
    expect(slices).toBe(2);
    const finiteBands = (await rows.locator('td:nth-child(5)').allTextContents()).filter((t) => /^\d+$/.test(t));
    expect(await chartsDrawn(page)).toBe(1);
    const chart = page.locator('[data-chart="chart-season"]');
    // The forecast layer draws one symbol per slice; the band layer one rule per finite band.
    expect(await chart.locator('.mark-symbol.role-mark path').count()).toBe(slices);
    expect(await chart.locator('.mark-rule.role-mark').first().locator('line').count()).toBe(finiteBands.length);
    await page.screenshot({ path: join(ARTIFACTS, 'season.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('compare: both runs side by side and their config difference', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${server.url}/compare?a=${fx.exampleRunId}&b=${fx.kitRunId}`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(fx.exampleRunId);
    expect(text).toContain(fx.kitRunId);
    expect(await page.locator('#compare tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('#config-diff').count()).toBe(1);
    await chartsDrawn(page);
    await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
