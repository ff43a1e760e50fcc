import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_WASDE, wasdeConfig, withoutObservations, writeWasde } from '../__fixtures__/EvaluateFixtures.js';
import { run } from '../EvaluateStage.js';
import { CHART_NAMES } from './Charts.js';

// Debian's chromium (installed by .ci/run), or CHROMIUM_PATH. Without one the test is skipped, and says so.
const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].find((p): p is string => p !== undefined && p !== '' && existsSync(p));
if (!CHROMIUM)
  console.warn(
    'SKIPPED: the report browser test needs a chromium (apt-get install chromium, or set CHROMIUM_PATH); none found',
  );
// Screenshots are kept here as test artifacts (git-ignored).
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

interface Scenario {
  name: string;
  config?: (root: string) => ResolvedConfig;
  prepare?: (root: string) => Promise<void>;
  after?: (runDir: string, key: string) => Promise<void>;
  /** Text the page must show about what is missing. */
  says: string[];
}

// Every scenario has infinite ADM0 bands (the reference run calibrates on two residuals per season day).
const SCENARIOS: Scenario[] = [
  {
    name: 'wasde',
    config: wasdeConfig,
    prepare: (root) => writeWasde(root).then(() => undefined),
    says: ['bands are infinite (too few residuals for the level)', 'Information advantage over WASDE'],
  },
  {
    name: 'unobserved-fold',
    after: (runDir, key) => withoutObservations(runDir, key, 2019),
    says: ['Test year 2019 has no observation', 'No WASDE benchmark is configured'],
  },
  {
    name: 'uncovered-country',
    config: wasdeConfig,
    prepare: (root) => writeWasde(root, SYNTHETIC_WASDE.replaceAll('\ncorn,', '\nsoybeans,')).then(() => undefined),
    says: ['has no forecast for corn in USA, so WASDE is not shown'],
  },
];

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  let root: string;
  let browser: Browser;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stage-evaluate-browser-'));
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM as string });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: no console error, no request, ${CHART_NAMES.length} charts with marks, text that fits, what is missing said`, async () => {
      const dataRoot = join(root, scenario.name);
      await scenario.prepare?.(dataRoot);
      const { runDir, config } = await buildRunDir(dataRoot, {
        forecast: false,
        ...(scenario.config ? { config: scenario.config(dataRoot) } : {}),
      });
      await scenario.after?.(runDir, config.experiment_key);
      const { report } = await run({ runDir });

      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`failed request ${r.url()}`));
      const url = pathToFileURL(report).href;
      page.on('request', (r) => {
        if (r.url() !== url) problems.push(`request ${r.url()} (the report must be self-contained)`);
      });
      await page.goto(url, { waitUntil: 'load' });

      const charts = await page.$$eval('svg[data-chart]', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          return {
            name: svg.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: svg.querySelectorAll('.role-mark > *').length,
          };
        }),
      );
      expect(charts.map((c) => c.name)).toEqual([...CHART_NAMES]);
      for (const c of charts) {
        expect(c.width, `${c.name} width`).toBeGreaterThan(100);
        expect(c.height, `${c.name} height`).toBeGreaterThan(50);
        expect(c.marks, `${c.name} marks`).toBeGreaterThan(0);
      }
      // Text fits its container: nothing wider than its box, no table needing a horizontal scroll at this width.
      const overflowing = await page.$$eval(
        'h1, h2, h3, p, li, dt, dd, th, td, figcaption, .table-wrap, main',
        (elements) =>
          elements
            .filter((e) => e.scrollWidth > e.clientWidth + 1)
            .map((e) => `${e.tagName.toLowerCase()}: ${(e.textContent ?? '').slice(0, 60)}`),
      );
      expect(overflowing).toEqual([]);
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text a person sees, not the DOM text
      const text = await page.innerText('body');
      for (const phrase of scenario.says) expect(text).toContain(phrase);
      expect(text).not.toMatch(/\bNaN\b|undefined|Infinity/);
      await page.screenshot({ path: join(ARTIFACTS, `report-${scenario.name}.png`), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
    });
  }
});
