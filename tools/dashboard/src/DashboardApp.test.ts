import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPath } from '@commodity-hindcast/rundir-contract/layout';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRunsBase, FOLDS_A, FOLDS_B, type RunsBaseFixture } from './__fixtures__/RunsBase.js';
import { createDashboardApp } from './DashboardApp.js';
import { startDashboard, type RunningDashboard } from './DashboardServer.js';

let root: string;
let fx: RunsBaseFixture;
let app: ReturnType<typeof createDashboardApp>;

const get = async (path: string): Promise<{ status: number; type: string; text: string }> => {
  const res = await app.request(path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};
/** The text of every `<tr>` of a table, tags stripped. */
const rows = (page: string, tableId: string): string[] => {
  const table = new RegExp(`<table id="${tableId}">([\\s\\S]*?)</table>`).exec(page)?.[1] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    (m[1] as string)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dashboard-app-'));
  fx = await buildRunsBase(join(root, 'data'));
  // A symlink inside a run directory to a file and to a folder outside the base.
  await symlink('/etc/hostname', join(fx.a.runDir, 'escape.txt'));
  await symlink(root, join(fx.a.runDir, 'escape-dir'));
  app = createDashboardApp({ runsBase: fx.base, log: () => {} });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runs page', () => {
  it('lists every run directory, newest first, with stages, validity and headline skill', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const body = rows(page.text, 'runs').slice(1);
    expect(body.map((r) => r.split(' ')[0])).toEqual([fx.brokenId, fx.orphanId, fx.half.runId, fx.b.runId, fx.a.runId]);
    const runA = body.at(-1) as string;
    expect(runA).toContain('0.375');
    const validA = (await validateRunDir(fx.a.runDir, { schemas: false })).ok;
    expect(runA).toContain(validA ? 'valid' : 'invalid');
    expect(body.at(-2)).toContain('-0.125');
    expect(body[2]).toContain('failed verification');
    expect(body[1]).toContain('no _rundir.json');
    expect(body[0]).toMatch(/not json|JSON/i);
  });

  it('filters by experiment key', async () => {
    const page = await get('/?key=soybeans_usa');
    expect(
      rows(page.text, 'runs')
        .slice(1)
        .map((r) => r.split(' ')[0]),
    ).toEqual([fx.orphanId]);
  });
});

describe('run page', () => {
  it('shows metrics per fold, the slices, links to files and the included geos', async () => {
    const page = await get(`/runs/${fx.a.runId}`);
    expect(page.status).toBe(200);
    const result = await ExperimentResult.fromRunDir(fx.a.runDir);
    expect(page.text).toContain('class="metrics"');
    for (const [fold, n] of Object.entries(FOLDS_A)) {
      const line = page.text.match(new RegExp(`<tr><td>${fold}</td>.*?</tr>`))?.[0] ?? '';
      expect(line).toContain(`>${n.skill.toFixed(3)}<`);
      expect(line).toContain(`>${n.errorPct.toFixed(2)}<`);
      expect(line).toContain(`>${n.coverage.toFixed(2)}<`);
    }
    expect(rows(page.text, 'slices').slice(1)).toEqual(['2020 2020-08-01 yes']);
    const geos = await result.includedGeoIdentifiers();
    expect(page.text).toContain(`${geos.length} counties`);
    for (const geo of geos) expect(page.text).toContain(`<li>${geo}</li>`);
    expect(page.text).toContain(`href="/runs/${fx.a.runId}/files/config_resolved.yaml"`);
    expect(page.text).toContain('<script type="module" src="/assets/charts.js">');
    expect(page.text).toContain('data-chart="chart-skill"');
  });

  it('shows a half-written run as such', async () => {
    const page = await get(`/runs/${fx.half.runId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('failed-verification');
    expect(rows(page.text, 'stages').some((r) => r.startsWith('predict 2018 failed-verification'))).toBe(true);
    expect(page.text).toMatch(/<span class="bad">invalid<\/span>/);
    expect(page.text).toContain('EVALUATE has not run');
  });

  it('shows a run without a marker or with a broken one, without failing', async () => {
    for (const id of [fx.orphanId, fx.brokenId]) {
      const page = await get(`/runs/${id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('This run directory cannot be opened');
    }
  });

  it('answers 404 for a run the base does not hold', async () => {
    expect((await get('/runs/20990101_000000_corn_usa')).status).toBe(404);
  });
});

describe('season view', () => {
  it('shows one row per forecast slice with the bands the slice national holds', async () => {
    const page = await get('/season?key=corn_usa&year=2020');
    expect(page.status).toBe(200);
    const expected: string[] = [];
    for (const built of [fx.a, fx.b]) {
      const result = await ExperimentResult.fromRunDir(built.runDir);
      for (const slice of result.forecastSlices()) {
        const national = await slice.readNational();
        const at = (c: string): number => (national.columns[c] as ArrayLike<number>)[0] as number;
        // The reference run calibrates on too few residuals, so its bands are infinite: shown as ±∞.
        const bound = (v: number): string => (v === Infinity ? '∞' : v === -Infinity ? '−∞' : v.toFixed(0));
        expected.push(
          `${slice.initDate} ${built.runId} ${at('sim_yield_kg_ha_corrected').toFixed(0)} 95% ${bound(at('lower_95_kg_ha'))} ${bound(at('upper_95_kg_ha'))} –`,
        );
      }
    }
    expect(rows(page.text, 'season').slice(1)).toEqual(expected);
    expect(page.text).toContain('data-chart="chart-season"');
  });

  it('lists the seasons when none is chosen', async () => {
    const page = await get('/season');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/season?key=corn_usa&amp;year=2020"');
  });
});

describe('compare', () => {
  it('shows skill, national error and coverage per fold of both runs', async () => {
    const page = await get(`/compare?a=${fx.a.runId}&b=${fx.b.runId}`);
    expect(page.status).toBe(200);
    const body = rows(page.text, 'compare').slice(2);
    expect(body).toEqual(
      ['2018', '2019'].map((fold) => {
        const a = FOLDS_A[fold as '2018'];
        const b = FOLDS_B[fold as '2018'];
        return `${fold} ${a.skill.toFixed(3)} ${b.skill.toFixed(3)} ${a.errorPct.toFixed(2)} ${b.errorPct.toFixed(2)} ${a.coverage.toFixed(2)} ${b.coverage.toFixed(2)}`;
      }),
    );
    expect(page.text).toContain('The effective configs are the same.');
  });

  it('compares a run with a broken one without failing', async () => {
    const page = await get(`/compare?a=${fx.a.runId}&b=${fx.brokenId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('cannot be opened');
  });
});

describe('files of a run directory', () => {
  it('serves listed files with their content type', async () => {
    const cases: [string, string][] = [
      ['config_resolved.yaml', 'text/plain'],
      ['_rundir.json', 'application/json'],
      ['postprocessed/national.parquet', 'application/vnd.apache.parquet'],
    ];
    for (const [path, type] of cases) {
      const res = await app.request(`/runs/${fx.a.runId}/files/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(
        new Uint8Array(await readFile(runPath(fx.a.runDir, path))),
      );
    }
    const delivery = (await ExperimentResult.fromRunDir(fx.a.runDir)).files.find((f) => f.endsWith('.csv'));
    expect(delivery).toBeDefined();
    const res = await app.request(`/runs/${fx.a.runId}/files/${delivery}`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  });

  it('serves the chart bundle built into the package', async () => {
    const res = await app.request('/assets/charts.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
  });
});

describe('safety', () => {
  let server: RunningDashboard;
  beforeAll(async () => {
    server = await startDashboard({ runsBase: fx.base, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
  });

  /** A GET with the path sent exactly as written (fetch would normalise dot segments). */
  const raw = (path: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const url = new URL(server.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

  it('listens on 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 404 to every path that leaves a run directory', async () => {
    const a = fx.a.runId;
    const hostile = [
      `/runs/${a}/files/../../../etc/passwd`,
      `/runs/${a}/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
      `/runs/${a}/files/..%2f..%2f..%2fetc%2fpasswd`,
      `/runs/${a}/files/%2Fetc%2Fpasswd`,
      `/runs/${a}/files//etc/passwd`,
      `/runs/${a}/files/..%5c..%5cetc`,
      `/runs/${a}/files/escape.txt`,
      `/runs/${a}/files/escape-dir/data/runs/${a}/_rundir.json`,
      `/runs/..%2f${a}/files/_rundir.json`,
      `/runs/${a}/files/`,
      `/runs/${a}/files/does-not-exist.txt`,
      '/etc/passwd',
    ];
    for (const path of hostile) expect(await raw(path), path).toBe(404);
    expect(await raw(`/runs/${a}/files/_rundir.json`)).toBe(200);
  });

  it('writes nothing: other methods are refused', async () => {
    const res = await app.request(`/runs/${fx.a.runId}/files/_rundir.json`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
  });
});
