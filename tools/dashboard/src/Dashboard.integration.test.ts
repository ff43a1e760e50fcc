import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, chartsDrawn, watchedPage } from './__fixtures__/Browser.js';
import { createBucket, s3SkipReason, startS3, type S3Endpoint } from './__fixtures__/Moto.js';
import { buildRunsBase, FOLDS_A, type RunsBaseFixture } from './__fixtures__/RunsBase.js';
import { createDashboardApp } from './DashboardApp.js';
import { startDashboard, type RunningDashboard } from './DashboardServer.js';

// Objects in the interrupted run's folder: past one S3 listing page, so the base is listed over several pages.
const PAST_ONE_PAGE = 1001;

describe.skipIf(s3SkipReason !== '')(`the dashboard over S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: S3Endpoint;
  let fx: RunsBaseFixture;
  let store: Store;
  let app: ReturnType<typeof createDashboardApp>;
  let logged: string[];

  beforeAll(async () => {
    s3 = await startS3();
    const bucket = `dashboard-${Date.now().toString(36)}`;
    await createBucket(s3.endpoint, bucket);
    store = storeFor(`s3://${bucket}`);
    fx = await buildRunsBase(`s3://${bucket}/data`, store);
    const orphan = joinLocation(fx.base, fx.orphanId);
    for (let i = 0; i < PAST_ONE_PAGE; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, PAST_ONE_PAGE - i) }, (_, k) =>
          store.write(joinLocation(orphan, `scratch/${String(i + k).padStart(5, '0')}.txt`), 'x'),
        ),
      );
    logged = [];
    app = createDashboardApp({ runsBase: fx.base, log: (line) => logged.push(line) });
  }, 300_000);
  afterAll(async () => {
    await s3?.stop();
  });

  it('lists every run past one listing page, with skill and what is broken', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const text = await res.text();
    const order = [fx.brokenId, fx.orphanId, fx.half.runId, fx.b.runId, fx.a.runId].map((id) =>
      text.indexOf(`<tr data-run="${id}">`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(text).toContain('0.375');
    expect(text).toContain('no _rundir.json');
  });

  it('shows a run, its season and a comparison, and serves its files', async () => {
    const run = await (await app.request(`/runs/${fx.a.runId}`)).text();
    for (const [fold, n] of Object.entries(FOLDS_A))
      expect(run.match(new RegExp(`<tr><td>${fold}</td>.*?</tr>`))?.[0]).toContain(`>${n.skill.toFixed(3)}<`);
    const season = await (await app.request('/season?key=corn_usa&year=2020')).text();
    expect(season.match(/<tr class="slice">/g)?.length).toBe(2);
    const compare = await app.request(`/compare?a=${fx.a.runId}&b=${fx.b.runId}`);
    expect(compare.status).toBe(200);
    const file = await app.request(`/runs/${fx.a.runId}/files/config_resolved.yaml`);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const result = await ExperimentResult.fromRunDir(fx.a.runDir, { store });
    expect(await file.text()).toBe(new TextDecoder().decode(await store.read(`${result.runDir}/config_resolved.yaml`)));
    expect((await app.request(`/runs/${fx.a.runId}/files/..%2f${fx.b.runId}/_rundir.json`)).status).toBe(404);
    expect((await app.request(`/runs/${fx.half.runId}`)).status).toBe(200);
  });

  it('never shows the credentials', async () => {
    const secret = process.env.AWS_SECRET_ACCESS_KEY as string;
    for (const path of ['/', `/runs/${fx.a.runId}`, `/runs/${fx.half.runId}`, `/runs/${fx.brokenId}`, '/season'])
      expect(await (await app.request(path)).text()).not.toContain(secret);
    expect(logged.join('\n')).not.toContain(secret);
  });

  describe.skipIf(!CHROMIUM)('in headless Chromium', () => {
    let browser: Browser;
    let server: RunningDashboard;
    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      server = await startDashboard({ runsBase: fx.base, port: 0, log: () => {} });
      browser = await chromium.launch({ executablePath: CHROMIUM as string });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('every page loads without console errors or failed requests', async () => {
      const pages: [string, string, number][] = [
        ['s3-runs', '/', 0],
        ['s3-run', `/runs/${fx.a.runId}`, 2],
        ['s3-run-half', `/runs/${fx.half.runId}`, 0],
        ['s3-season', '/season?key=corn_usa&year=2020', 1],
        ['s3-compare', `/compare?a=${fx.a.runId}&b=${fx.b.runId}`, 1],
      ];
      for (const [name, path, charts] of pages) {
        const { page, problems } = await watchedPage(browser);
        await page.goto(`${server.url}${path}`);
        expect(await chartsDrawn(page), name).toBe(charts);
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
        expect(problems, name).toEqual([]);
        await page.close();
      }
    });
  });
});
