import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium, or CHROMIUM_PATH; undefined when there is none (the browser tests then skip and say so). */
export const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].find((p): p is string => p !== undefined && p !== '' && existsSync(p));

/** Screenshots are kept here as test artifacts (git-ignored). */
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** A page that records console errors and failed requests (any status ≥ 400 or a network failure). */
export async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

/** Waits until every chart of the page was drawn; resolves with how many charts it holds. */
export async function chartsDrawn(page: Page): Promise<number> {
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-chart]')].every((e) => e.getAttribute('data-rendered') === 'true'),
    undefined,
    { timeout: 30_000 },
  );
  return page.locator('[data-chart] svg').count();
}
