import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { Hono, type Context } from 'hono';
import { chartsBundle } from './Assets.js';
import { compareData } from './data/CompareData.js';
import { RunsIndex, type RunsIndexOptions } from './data/RunsIndex.js';
import { readSeasonData } from './data/SeasonData.js';
import { html } from './html/Html.js';
import { CHARTS_SCRIPT, layout, problem } from './html/Layout.js';
import { compareFormPage, comparePage } from './pages/ComparePage.js';
import { runPage } from './pages/RunPage.js';
import { runsPage } from './pages/RunsPage.js';
import { seasonIndexPage, seasonPage } from './pages/SeasonPage.js';
import { contentTypeOf, isHostilePath, relativeFilePath } from './server/RequestPath.js';
import { describeError } from './server/Redact.js';

export interface DashboardAppOptions extends RunsIndexOptions {
  /** The runs base: a local folder or an s3:// prefix holding run directories. */
  runsBase: Location;
  /** The store to read through (default storeFor(runsBase)). */
  store?: Store;
  /** Where unexpected errors are reported (redacted); default console.error. */
  log?: (line: string) => void;
}

// Pages load their own script and styles only (charts evaluate expressions with vega's interpreter, no eval).
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// A file of a run directory is shown as a document of its own, never with the dashboard's privileges.
const FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function notFound(c: Context, what = 'Nothing here'): Response {
  c.header('Content-Security-Policy', PAGE_CSP);
  return c.html(layout('Not found', problem(what)), 404);
}

/** The read-only dashboard as a Hono app (serve it with startDashboard, or call `app.request()` in tests). */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const base = normalizeLocation(options.runsBase);
  const store = options.store ?? storeFor(base);
  const index = new RunsIndex(base, store, options);
  const log = options.log ?? ((line: string) => console.error(line));
  const app = new Hono();

  app.use('*', async (c, next) => {
    const raw = new URL(c.req.url).pathname;
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.text('read-only', 405, { Allow: 'GET, HEAD' });
    if (isHostilePath(raw)) return notFound(c);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', PAGE_CSP);
  });

  app.get('/', async (c) => {
    const key = c.req.query('key') || undefined;
    const page = Number.parseInt(c.req.query('page') ?? '1', 10);
    const summaries = await index.allSummaries();
    return c.html(runsPage({ base, summaries, ...(key ? { key } : {}), page: Number.isFinite(page) ? page : 1 }));
  });

  app.get(CHARTS_SCRIPT, async (c) => {
    const bytes = await chartsBundle();
    if (!bytes) return notFound(c, 'The chart script is not built: run the package build (tsup).');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
  });

  app.get('/runs/:runId', async (c) => {
    const listed = await index.find(c.req.param('runId'));
    if (!listed) return notFound(c, `No run directory ${c.req.param('runId')} under ${base}.`);
    return c.html(runPage(await index.detail(listed)));
  });

  app.get('/runs/:runId/files/*', async (c) => {
    const raw = new URL(c.req.url).pathname.split('/');
    // ['', 'runs', <runId>, 'files', ...segments]
    const relative = relativeFilePath(raw.slice(4));
    const listed = await index.find(c.req.param('runId'));
    if (!listed || !relative) return notFound(c);
    let result: ExperimentResult;
    try {
      result = await ExperimentResult.fromRunDir(listed.location, { store });
    } catch {
      return notFound(c);
    }
    // Only a file the run's listing holds is served: no path can name anything outside the run directory.
    if (!result.files.includes(relative)) return notFound(c);
    const bytes = await store.read(`${listed.location}/${relative}`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': contentTypeOf(relative),
      'Content-Security-Policy': FILE_CSP,
    });
  });

  app.get('/season', async (c) => {
    const key = c.req.query('key');
    const year = Number(c.req.query('year'));
    const summaries = await index.allSummaries();
    if (!key || !Number.isInteger(year)) return c.html(seasonIndexPage(summaries));
    return c.html(seasonPage(await readSeasonData(key, year, summaries, store)));
  });

  app.get('/compare', async (c) => {
    const { runs } = await index.listing();
    const a = runs.find((r) => r.runId === c.req.query('a'));
    const b = runs.find((r) => r.runId === c.req.query('b'));
    const ids = runs.map((r) => r.runId);
    if (!c.req.query('a') && !c.req.query('b')) return c.html(compareFormPage(ids));
    if (!a || !b) return c.html(compareFormPage(ids, 'Choose two run directories of this base.'), 404);
    const [left, right] = await Promise.all([index.detail(a), index.detail(b)]);
    return c.html(comparePage(compareData(left, right)));
  });

  app.notFound((c) => notFound(c));
  app.onError((error, c) => {
    // A 500 is a bug of the dashboard: say so, redacted, and log the same line.
    const line = describeError(error);
    log(`dashboard: ${c.req.method} ${new URL(c.req.url).pathname} failed: ${line}`);
    return c.html(layout('Error', html`${problem(`The dashboard failed on this page: ${line}`)}`), 500);
  });
  return app;
}
