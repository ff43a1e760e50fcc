#!/usr/bin/env node
// @ts-check
/**
 * Hostile-but-realistic cases against the built CLI, each run as a user would and judged:
 *   well  — the right result, or a refusal in one line that names the thing (exit 1, no leftovers);
 *   weak  — no wrong result, but an unclear or multi-line message, a hang, or leftovers;
 *   wrong — a wrong result with exit 0 (or a success that should have been a refusal).
 * Prints a markdown table of every case and a count per kind.
 *
 *   pnpm turbo run build --filter=@commodity-hindcast/cli...
 *   node tools/integration-tests/src/hostile/hostileCases.mjs [--only <id-substring>[,<id-substring>…]] [--json]
 *   HOSTILE_BIN=/path/to/other/tools/cli/dist/bin.js node …   (the same cases against another build)
 *
 * S3 cases need moto (python3 with moto[server]; S3_TEST_ENDPOINT to use a running server) and are skipped
 * without it. Plain JavaScript so it runs with node alone, on main and on any branch, for a before/after table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
// HOSTILE_BIN runs the cases against another build (main's, for a before/after table).
const BIN = process.env.HOSTILE_BIN ?? join(REPO, 'tools/cli/dist/bin.js');
const MOTO_SCRIPT = join(REPO, 'packages/rundir-contract/test/serial_moto_server.py');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const asJson = args.includes('--json');

if (!existsSync(BIN)) {
  console.error(`hostile cases: ${BIN} is not built; run pnpm turbo run build --filter=@commodity-hindcast/cli...`);
  process.exit(2);
}

/** @typedef {{ code: number | null, stdout: string, stderr: string, ms: number, timedOut: boolean }} Run */
/** @typedef {{ outcome: 'well' | 'weak' | 'wrong' | 'skipped', detail: string }} Verdict */

/** @returns {Promise<Run>} */
function cli(
  /** @type {string[]} */ argv,
  /** @type {{ env?: Record<string, string>, cwd?: string, timeoutMs?: number }} */ options = {},
) {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: options.cwd ?? work,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...s3Env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut });
    }),
  );
}

/** The one-line causes on stderr, and whether anything else but progress lines is there. */
function causes(/** @type {Run} */ run) {
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  const cause = lines.filter((l) => l.startsWith('commodity-hindcast: '));
  const noise = lines.filter((l) => /^\s+at |Warning|^\s*$/.test(l));
  return { cause, noise };
}

/**
 * Judges a run that must be refused: exit 1 with one cause line matching `mention` is well; a refusal otherwise
 * (other exit code, several lines, a stack, the thing not named, a hang) is weak; exit 0 is wrong.
 * @returns {Verdict}
 */
function refused(/** @type {Run} */ run, /** @type {RegExp} */ mention, /** @type {string[]} */ leftovers = []) {
  const { cause, noise } = causes(run);
  const first = (cause[0] ?? run.stderr.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 160);
  if (run.timedOut) return { outcome: 'weak', detail: `no answer within ${Math.round(run.ms / 1000)} s (killed)` };
  if (run.code === 0) return { outcome: 'wrong', detail: `exit 0: ${firstLine(run.stdout)}` };
  if (leftovers.length > 0)
    return { outcome: 'weak', detail: `exit ${run.code}, left ${leftovers.slice(0, 2).join(', ')}: ${first}` };
  if (run.code === 1 && cause.length === 1 && noise.length === 0 && mention.test(cause[0] ?? ''))
    return { outcome: 'well', detail: first };
  return {
    outcome: 'weak',
    detail: `exit ${run.code}, ${cause.length} cause line(s)${noise.length ? ', plus warnings/stack' : ''}: ${first}`,
  };
}

/** A run that must succeed, with `check` returning '' when the result is right, or what is wrong. */
function succeeded(/** @type {Run} */ run, /** @type {() => string} */ check = () => '') {
  if (run.timedOut) return /** @type {Verdict} */ ({ outcome: 'weak', detail: 'no answer (killed)' });
  if (run.code !== 0)
    return /** @type {Verdict} */ ({
      outcome: 'weak',
      detail: `refused: ${causes(run).cause[0] ?? firstLine(run.stderr)}`,
    });
  const problem = check();
  return /** @type {Verdict} */ (
    problem ? { outcome: 'wrong', detail: problem } : { outcome: 'well', detail: firstLine(run.stdout) }
  );
}

function firstLine(/** @type {string} */ text) {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 160);
}

function sha256(/** @type {string} */ path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Files under `dir` whose name marks a temporary write. */
function tempFiles(/** @type {string} */ dir) {
  if (!existsSync(dir)) return [];
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^\.tmp|\.tmp$|\.partial$|\.tmp-/.test(entry.name)) found.push(path.slice(dir.length + 1));
    }
  };
  walk(dir);
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures: a small generated example (1 state, 6 counties, 2013-2024), copied per case.

const work = mkdtempSync(join(tmpdir(), 'hostile-'));
/** @type {Record<string, string>} */
let s3Env = {};
const base = join(work, 'base');
const NASS_HEADER =
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct';
const NASS_ROWS = [
  '19169,19,169,IA,STORY,corn,2020,175.0,149000.0,,26075000.0,',
  '19153,19,153,IA,POLK,corn,2020,170.0,80000.0,,,',
];
const WEATHER_HEADER = 'geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells';

function weatherRows(/** @type {number} */ shift = 0) {
  const rows = [];
  for (const geoid of ['19169', '19153']) {
    for (let d = 0; d < 60; d++) {
      const date = new Date(Date.UTC(2020, 5, 1) + d * 86_400_000).toISOString().slice(0, 10);
      rows.push(
        `${geoid},${date},${(28 + shift + (d % 5)).toFixed(1)},${(15 + shift).toFixed(1)},${(21.5 + shift).toFixed(2)},${d % 3},8`,
      );
    }
  }
  return rows;
}

/** A copy of the example data root, and the env and config path to run features on it. */
function example(/** @type {string} */ name) {
  const root = join(work, name);
  cpSync(base, root, { recursive: true });
  return { root, config: join(root, 'configs/example_corn_usa.yaml'), env: { INPUT_DATA_DIR: root } };
}

function features(
  /** @type {{root: string, config: string, env: Record<string,string>}} */ ex,
  /** @type {string[]} */ extra = [],
  timeoutMs = 60_000,
) {
  return cli(['run', 'features', '--config', ex.config, ...extra], { env: ex.env, timeoutMs });
}

function editConfig(/** @type {string} */ config, /** @type {(text: string) => string} */ edit) {
  writeFileSync(config, edit(readFileSync(config, 'utf8')));
}

function weatherCase(/** @type {string} */ name, /** @type {string[]} */ rows) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nass.csv'), `${[NASS_HEADER, ...NASS_ROWS].join('\n')}\n`);
  writeFileSync(join(dir, 'daily.csv'), `${[WEATHER_HEADER, ...rows].join('\n')}\n`);
  return {
    dir,
    run: (/** @type {string[]} */ extra = [], timeoutMs = 60_000) =>
      cli(['data', 'import', 'daily-weather', 'daily.csv', '--county-names', 'nass.csv', ...extra], {
        cwd: dir,
        timeoutMs,
      }),
  };
}

async function readIndexStore(/** @type {string} */ location) {
  const io = await import('@commodity-hindcast/rundir-contract/io');
  return io.readIndexStore(location);
}

// ---------------------------------------------------------------------------------------------------------
// S3: moto on a free loopback port (or S3_TEST_ENDPOINT).

/** @type {import('node:child_process').ChildProcess | undefined} */
let moto;
let s3Endpoint = process.env.S3_TEST_ENDPOINT ?? '';

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startS3() {
  if (!s3Endpoint) {
    if (spawnSync('python3', ['-c', 'import moto.moto_server.werkzeug_app'], { stdio: 'ignore' }).status !== 0) return;
    const port = await freePort();
    moto = spawn('python3', [MOTO_SCRIPT, '127.0.0.1', String(port)], { stdio: 'ignore' });
    s3Endpoint = `http://127.0.0.1:${port}`;
    // moto can take a while to start on a loaded machine: up to a minute, then the S3 cases are skipped.
    let up = false;
    for (let i = 0; i < 600 && !up; i++) {
      up = await fetch(s3Endpoint).then(
        () => true,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) {
      moto?.kill();
      s3Endpoint = '';
      return;
    }
  }
  await fetch(`${s3Endpoint}/hostile`, { method: 'PUT' });
  s3Env = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_MAX_ATTEMPTS: '3',
  };
}

/** A TCP server that accepts connections and never answers (a frozen endpoint). */
async function blackHole() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The cases.

/** @type {{ id: string, kind: string, title: string, s3?: boolean, run: () => Promise<Verdict> }[]} */
const CASES = [
  // config
  {
    id: 'config-missing',
    kind: 'config',
    title: 'run features --config pointing at a missing file',
    run: async () => {
      const ex = example('config-missing');
      return refused(await features({ ...ex, config: join(ex.root, 'configs/nope.yaml') }), /nope\.yaml/);
    },
  },
  {
    id: 'config-yaml-syntax',
    kind: 'config',
    title: 'config with a YAML syntax error (unclosed bracket)',
    run: async () => {
      const ex = example('config-yaml');
      editConfig(ex.config, (t) => t.replace('variables: [tmax, tmin, tavg, prcp, ndvi]', 'variables: [tmax, tmin'));
      return refused(await features(ex), /example_corn_usa\.yaml.*(line|\d+:\d+)/);
    },
  },
  {
    id: 'config-typo-field',
    kind: 'config',
    title: 'misspelled field feature_start_yaer',
    run: async () => {
      const ex = example('config-typo');
      editConfig(ex.config, (t) => t.replace('feature_start_year:', 'feature_start_yaer:'));
      return refused(await features(ex), /feature_start_yaer/);
    },
  },
  {
    id: 'config-years-reversed',
    kind: 'config',
    title: 'feature_start_year after feature_end_year',
    run: async () => {
      const ex = example('config-years');
      return refused(await features(ex, ['--set', 'feature_start_year=2030']), /feature_start_year/);
    },
  },
  {
    id: 'config-lag-days-huge',
    kind: 'config',
    title: 'lag_days: 400 (longer than a season)',
    run: async () => {
      const ex = example('config-lag');
      return refused(await features(ex, ['--set', 'commodity.lag_days=400']), /lag_days/);
    },
  },
  {
    id: 'config-set-unknown',
    kind: 'config',
    title: '--set of an unknown field',
    run: async () => {
      const ex = example('config-set');
      return refused(await features(ex, ['--set', 'model.regresion=ridge']), /regresion/);
    },
  },
  {
    id: 'config-input-dir-relative',
    kind: 'config',
    title: 'INPUT_DATA_DIR is a relative path',
    run: async () => {
      const ex = example('config-rel');
      return refused(
        await features({ ...ex, env: { INPUT_DATA_DIR: 'data' } }),
        /INPUT_DATA_DIR=data is a relative path/,
      );
    },
  },
  {
    id: 'config-input-dir-unset',
    kind: 'config',
    title: 'INPUT_DATA_DIR not set',
    run: async () => {
      const ex = example('config-unset');
      return refused(await features({ ...ex, env: {} }), /INPUT_DATA_DIR is not set/);
    },
  },
  {
    id: 'config-dev-zero',
    kind: 'config',
    title: '/dev/zero as the config (unbounded read)',
    run: async () => {
      const ex = example('config-zero');
      return refused(await features({ ...ex, config: '/dev/zero' }, [], 20_000), /\/dev\/zero/);
    },
  },
  {
    id: 'config-yaml-bomb',
    kind: 'config',
    title: 'config with nested YAML aliases (billion laughs)',
    run: async () => {
      const ex = example('config-bomb');
      const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i < 9; i++)
        bomb.push(
          `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`,
        );
      editConfig(ex.config, (t) => `${bomb.join('\n')}\n${t}`);
      return refused(await features(ex, [], 30_000), /example_corn_usa\.yaml/);
    },
  },
  {
    id: 'config-builder-missing-file',
    kind: 'config',
    title: 'builder filepath names a missing file',
    run: async () => {
      const ex = example('config-builder');
      editConfig(ex.config, (t) => t.replace('data/example/static.parquet', 'data/example/statc.parquet'));
      return refused(await features(ex), /statc\.parquet/);
    },
  },

  // data
  {
    id: 'data-nass-bad-number',
    kind: 'data',
    title: 'NASS CSV with 19O.5 as a yield',
    run: async () => {
      const dir = join(work, 'nass-bad');
      mkdirSync(dir);
      writeFileSync(join(dir, 'c.csv'), `${NASS_HEADER}\n19169,19,169,IA,STORY,corn,2019,19O.5,150000.0,,,\n`);
      return refused(
        await cli(['data', 'import', 'nass', 'c.csv', '--out', 'y.parquet'], { cwd: dir }),
        /c\.csv: line 2/,
      );
    },
  },
  {
    id: 'data-nass-year-9999',
    kind: 'data',
    title: 'NASS CSV with year 9999',
    run: async () => {
      const dir = join(work, 'nass-year');
      mkdirSync(dir);
      writeFileSync(join(dir, 'c.csv'), `${NASS_HEADER}\n19169,19,169,IA,STORY,corn,9999,190.5,150000.0,,,\n`);
      return refused(await cli(['data', 'import', 'nass', 'c.csv', '--out', 'y.parquet'], { cwd: dir }), /9999/);
    },
  },
  {
    id: 'data-nass-header-only',
    kind: 'data',
    title: 'NASS CSV with a header and no rows',
    run: async () => {
      const dir = join(work, 'nass-empty');
      mkdirSync(dir);
      writeFileSync(join(dir, 'c.csv'), `${NASS_HEADER}\n`);
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 'y.parquet'], { cwd: dir });
      // An empty table is not a wrong number, but a silent one: a later stage fails far from the cause.
      return run.code === 0
        ? { outcome: 'weak', detail: `exit 0, an empty yield table: ${firstLine(run.stdout)}` }
        : refused(run, /c\.csv/);
    },
  },
  {
    id: 'data-nass-crlf-bom',
    kind: 'data',
    title: 'NASS CSV saved by Excel (BOM, CRLF)',
    run: async () => {
      const dir = join(work, 'nass-crlf');
      mkdirSync(dir);
      writeFileSync(join(dir, 'c.csv'), `\uFEFF${[NASS_HEADER, ...NASS_ROWS].join('\r\n')}\r\n`);
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 'y.parquet', '--json'], { cwd: dir });
      return succeeded(run, () =>
        JSON.parse(run.stdout).rowsWritten === 2 ? '' : `wrote ${JSON.parse(run.stdout).rowsWritten} rows of 2`,
      );
    },
  },
  {
    id: 'data-weather-date-9999',
    kind: 'data',
    title: 'daily weather CSV with one date 9999-12-31',
    run: async () => {
      const c = weatherCase('weather-9999', [...weatherRows(), '19169,9999-12-31,30.0,15.0,22.5,0,8']);
      return refused(await c.run(['--out', 'out/indices.zarr'], 120_000), /9999/);
    },
  },
  {
    id: 'data-weather-tmax-999',
    kind: 'data',
    title: 'daily weather with tmax 999 °C',
    run: async () => {
      const rows = weatherRows();
      rows[3] = rows[3].replace(/^(\d+,[^,]+,)[^,]+/, '$1999.0');
      return refused(await weatherCase('weather-999', rows).run(['--out', 'out/indices.zarr']), /999|tmax/);
    },
  },
  {
    id: 'data-weather-negative-rain',
    kind: 'data',
    title: 'daily weather with precipitation −5 mm',
    run: async () => {
      const rows = weatherRows();
      rows[4] = rows[4].replace(/,[^,]+,8$/, ',-5,8');
      return refused(await weatherCase('weather-neg', rows).run(['--out', 'out/indices.zarr']), /prcp|-5/);
    },
  },
  {
    id: 'data-weather-duplicate-day',
    kind: 'data',
    title: 'daily weather with one county-day twice (different values)',
    run: async () => {
      const rows = weatherRows();
      rows.push(rows[0].replace(/^(\d+,[^,]+,)[^,]+/, '$135.0'));
      return refused(await weatherCase('weather-dup', rows).run(['--out', 'out/indices.zarr']), /duplicate|twice|line/);
    },
  },
  {
    id: 'data-yields-truncated',
    kind: 'data',
    title: 'yields.parquet truncated to half its size',
    run: async () => {
      const ex = example('yields-trunc');
      const path = join(ex.root, 'data/example/yields.parquet');
      truncateSync(path, Math.floor(statSync(path).size / 2));
      return refused(await features(ex), /yields\.parquet/);
    },
  },
  {
    id: 'data-static-wrong-type',
    kind: 'data',
    title: 'static table replaced by a CSV renamed .parquet',
    run: async () => {
      const ex = example('static-csv');
      writeFileSync(join(ex.root, 'data/example/static.parquet'), 'geo_identifier,lat\nx,1\n');
      return refused(await features(ex), /static\.parquet/);
    },
  },

  // Zarr
  {
    id: 'zarr-missing-chunk',
    kind: 'Zarr',
    title: 'one tmax chunk of indices.zarr deleted',
    run: async () => {
      const ex = example('zarr-chunk');
      const dir = join(ex.root, 'data/example/indices.zarr/tmax/c');
      const chunk = findFile(dir);
      unlinkSync(chunk);
      return refused(await features(ex), /tmax/);
    },
  },
  {
    id: 'zarr-short-chunk',
    kind: 'Zarr',
    title: 'one tmax chunk truncated to 10 bytes',
    run: async () => {
      const ex = example('zarr-short');
      truncateSync(findFile(join(ex.root, 'data/example/indices.zarr/tmax/c')), 10);
      return refused(await features(ex), /tmax/);
    },
  },
  {
    id: 'zarr-missing-array-meta',
    kind: 'Zarr',
    title: 'tmin/zarr.json deleted',
    run: async () => {
      const ex = example('zarr-meta');
      unlinkSync(join(ex.root, 'data/example/indices.zarr/tmin/zarr.json'));
      return refused(await features(ex), /tmin/);
    },
  },
  {
    id: 'zarr-chunk-dev-zero',
    kind: 'Zarr',
    title: 'a chunk symlinked to /dev/zero',
    run: async () => {
      const ex = example('zarr-zero');
      const chunk = findFile(join(ex.root, 'data/example/indices.zarr/prcp/c'));
      unlinkSync(chunk);
      symlinkSync('/dev/zero', chunk);
      return refused(await features(ex, [], 30_000), /prcp|dev\/zero/);
    },
  },
  {
    id: 'zarr-short-coverage',
    kind: 'Zarr',
    title: 'features for years after the index store ends (feature_end_year 2030)',
    run: async () => {
      const ex = example('zarr-cover');
      return refused(await features(ex, ['--set', 'feature_end_year=2030']), /indices\.zarr|2030|cover/);
    },
  },

  // concurrency
  {
    id: 'concurrency-two-features',
    kind: 'concurrency',
    title: 'two run features --force at once with different settings',
    run: async () => concurrentFeatures(),
  },
  {
    id: 'concurrency-two-weather-imports',
    kind: 'concurrency',
    title: 'two data import daily-weather --force at once into one store',
    run: async () => concurrentWeather(),
  },
  {
    id: 'concurrency-kill-9-features',
    kind: 'concurrency',
    title: 'kill -9 during run features, then look for temporary files',
    run: async () => {
      const ex = example('kill9');
      const child = spawn(process.execPath, [BIN, 'run', 'features', '--config', ex.config], {
        env: { PATH: process.env.PATH ?? '', ...ex.env },
        stdio: 'ignore',
      });
      // Wait until the stage starts writing, then kill it.
      const dir = join(ex.root, 'features');
      for (let i = 0; i < 600 && !existsSync(dir); i++) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      const left = tempFiles(ex.root);
      const rerun = await features(ex);
      const after = tempFiles(ex.root);
      if (rerun.code !== 0) return { outcome: 'weak', detail: `rerun failed: ${causes(rerun).cause[0]}` };
      return after.length > 0
        ? { outcome: 'weak', detail: `temporary files remain after the rerun: ${after.join(', ')}` }
        : { outcome: 'well', detail: left.length ? `rerun cleaned ${left.length} temp file(s)` : 'no temp files' };
    },
  },

  // faults
  {
    id: 'faults-connection-refused',
    kind: 'faults',
    title: 'S3 endpoint refuses connections',
    s3: true,
    run: async () => {
      const port = await freePort();
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/refused/y.parquet'], {
        cwd: nassDir(),
        env: { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` },
        timeoutMs: 90_000,
      });
      return refused(run, /s3:\/\/hostile\/refused/);
    },
  },
  {
    id: 'faults-frozen-endpoint',
    kind: 'faults',
    title: 'S3 endpoint accepts and never answers',
    s3: true,
    run: async () => {
      const hole = await blackHole();
      try {
        // A user who wants a frozen endpoint to fail sooner than the default deadline (120 s) sets it lower.
        const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/frozen/y.parquet'], {
          cwd: nassDir(),
          env: { AWS_ENDPOINT_URL_S3: hole.endpoint, COMMODITY_HINDCAST_S3_DEADLINE_MS: '10000' },
          timeoutMs: 60_000,
        });
        return refused(run, /s3:\/\/hostile\/frozen/);
      } finally {
        hole.close();
      }
    },
  },
  // Not run: ENOSPC via --out /dev/full. As root, the store's write-to-temp-then-rename replaces the device node
  // /dev/full with the output file (exit 0): a destructive result, so the case stays out of a script others run.

  // S3
  {
    id: 's3-one-slash',
    kind: 'S3',
    title: '--out s3:/bucket/key (one slash)',
    run: async () => {
      const dir = nassDir();
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3:/hostile/y.parquet'], { cwd: dir });
      const leftovers = existsSync(join(dir, 's3:')) ? ['a local folder named s3:'] : [];
      return run.code === 0
        ? { outcome: 'wrong', detail: `exit 0${leftovers.length ? `, wrote ${leftovers[0]}` : ''}` }
        : refused(run, /s3:\/hostile/, leftovers);
    },
  },
  {
    id: 's3-no-colon',
    kind: 'S3',
    title: '--out s3//bucket/key',
    run: async () => {
      const dir = nassDir();
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3//hostile/y.parquet'], { cwd: dir });
      return run.code === 0
        ? { outcome: 'wrong', detail: `exit 0, wrote a local folder s3/` }
        : refused(run, /s3\/\/hostile/);
    },
  },
  {
    id: 's3-upper-case-scheme',
    kind: 'S3',
    title: '--out S3://bucket/key',
    run: async () => {
      const dir = nassDir();
      const run = await cli(['data', 'import', 'nass', 'c.csv', '--out', 'S3://hostile/y.parquet'], { cwd: dir });
      return run.code === 0
        ? { outcome: 'wrong', detail: `exit 0, wrote a local folder S3:` }
        : refused(run, /S3:\/\/hostile/);
    },
  },
  {
    id: 's3-missing-bucket',
    kind: 'S3',
    title: 'import into a bucket that does not exist',
    s3: true,
    run: async () => {
      return refused(
        await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://no-such-bucket-hostile/y.parquet'], {
          cwd: nassDir(),
          timeoutMs: 90_000,
        }),
        /no-such-bucket-hostile.*(bucket|NoSuchBucket)/,
      );
    },
  },
  {
    id: 's3-bad-bucket-name',
    kind: 'S3',
    title: 'INPUT_DATA_DIR=s3://Bad_Bucket/x',
    run: async () => {
      const ex = example('s3-badname');
      return refused(await features({ ...ex, env: { INPUT_DATA_DIR: 's3://Bad_Bucket/x' } }), /Bad_Bucket/);
    },
  },
  {
    id: 's3-features-round-trip',
    kind: 'S3',
    title: 'example init and run features entirely on S3',
    s3: true,
    run: async () => {
      const root = 's3://hostile/example';
      const init = await cli([
        'example',
        'init',
        '--input-data-dir',
        root,
        '--states',
        '1',
        '--counties-per-state',
        '4',
        '--first-year',
        '2015',
        '--last-year',
        '2024',
      ]);
      if (init.code !== 0) return { outcome: 'weak', detail: `example init failed: ${causes(init).cause[0]}` };
      const run = await cli(['run', 'features', '--config', `${root}/configs/example_corn_usa.yaml`], {
        env: { INPUT_DATA_DIR: root },
      });
      return succeeded(run, () =>
        /fit.*s3:\/\/hostile\/example\/features/.test(run.stdout) ? '' : 'summary does not name the S3 tables',
      );
    },
  },
  {
    id: 's3-import-exists-no-force',
    kind: 'S3',
    title: 'import twice to one S3 key without --force',
    s3: true,
    run: async () => {
      const dir = nassDir();
      await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/twice/y.parquet'], { cwd: dir });
      return refused(
        await cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/twice/y.parquet'], { cwd: dir }),
        /already exists.*--force/,
      );
    },
  },

  // security
  {
    id: 'security-dotdot',
    kind: 'security',
    title: 'builder filepath ../../etc/passwd',
    run: async () => {
      const ex = example('sec-dotdot');
      editConfig(ex.config, (t) => t.replace('data/example/static.parquet', '../../etc/passwd'));
      return refused(await features(ex), /\.\./);
    },
  },
  {
    id: 'security-symlink-out',
    kind: 'security',
    title: 'static.parquet is a symlink to /etc/passwd inside INPUT_DATA_DIR',
    run: async () => {
      const ex = example('sec-symlink');
      const path = join(ex.root, 'data/example/static.parquet');
      unlinkSync(path);
      symlinkSync('/etc/passwd', path);
      const run = await features(ex);
      if (/root:x?:?0/.test(run.stderr + run.stdout))
        return { outcome: 'weak', detail: 'refused, but the message echoes /etc/passwd contents' };
      return refused(run, /static\.parquet.*(symlink|outside)/);
    },
  },
  {
    id: 'security-absolute-passwd',
    kind: 'security',
    title: 'builder filepath /etc/passwd (absolute)',
    run: async () => {
      const ex = example('sec-abs');
      editConfig(ex.config, (t) => t.replace('data/example/static.parquet', '/etc/passwd'));
      const run = await features(ex);
      if (/root:x?:?0/.test(run.stderr + run.stdout))
        return { outcome: 'weak', detail: 'refused, but the message echoes /etc/passwd contents' };
      return refused(run, /\/etc\/passwd/);
    },
  },
  {
    id: 'security-experiment-name-traversal',
    kind: 'security',
    title: 'experiment_name ../../escape',
    run: async () => {
      const ex = example('sec-name');
      editConfig(ex.config, (t) => t.replace('experiment_name: example_corn_usa', 'experiment_name: ../../escape'));
      const run = await features(ex);
      const escaped = existsSync(join(work, 'escape')) || existsSync(join(ex.root, 'escape'));
      if (escaped) return { outcome: 'wrong', detail: 'wrote outside features_dir' };
      // The name is a label: the key (corn_usa) names the folders, so a refusal or a success inside features_dir is fine.
      return run.code === 0
        ? { outcome: 'well', detail: `accepted as a label; ${firstLine(run.stdout)}` }
        : refused(run, /experiment_(name|key)/);
    },
  },
  {
    id: 'security-proto-set',
    kind: 'security',
    title: '--set __proto__.polluted=1',
    run: async () => {
      const ex = example('sec-proto');
      return refused(await features(ex, ['--set', '__proto__.polluted=1']), /__proto__/);
    },
  },
  // added for issue 7's remaining gaps (3-4 December 2026)
  {
    id: 'config-empty-file',
    kind: 'config',
    title: 'an empty config file',
    run: async () => {
      const ex = example('config-empty');
      writeFileSync(ex.config, '');
      return refused(await features(ex), /example_corn_usa\.yaml/);
    },
  },
  {
    id: 'config-lag-days-negative',
    kind: 'config',
    title: 'lag_days: -3',
    run: async () => {
      const ex = example('config-lag-neg');
      editConfig(ex.config, (t) => t.replace(/lag_days: \d+/, 'lag_days: -3'));
      return refused(await features(ex), /lag_days/);
    },
  },
  {
    id: 'config-directory',
    kind: 'config',
    title: '--config naming a directory',
    run: async () => {
      const ex = example('config-dir');
      return refused(await features({ ...ex, config: join(ex.root, 'configs') }), /configs/);
    },
  },
  {
    id: 'data-flipped-bit',
    kind: 'data',
    title: 'one flipped bit in static.parquet after a build, then run features again',
    run: async () => {
      const ex = example('flip');
      const first = await features(ex, ['--json']);
      if (first.code !== 0) return { outcome: 'weak', detail: `first build failed: ${causes(first).cause[0]}` };
      const digest = JSON.parse(first.stdout).digest;
      const path = join(ex.root, 'data/example/static.parquet');
      const bytes = readFileSync(path);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(path, bytes);
      const run = await features(ex, ['--json']);
      if (run.code !== 0) return refused(run, /static\.parquet/);
      const result = JSON.parse(run.stdout);
      if (result.skipped) return { outcome: 'wrong', detail: 'exit 0: "up to date" over a changed input' };
      return result.digest !== digest
        ? { outcome: 'well', detail: 'rebuilt under a new digest' }
        : { outcome: 'wrong', detail: 'rebuilt under the old digest' };
    },
  },
  {
    id: 'data-yields-empty-file',
    kind: 'data',
    title: 'yields.parquet is an empty file',
    run: async () => {
      const ex = example('yields-empty');
      writeFileSync(join(ex.root, 'data/example/yields.parquet'), '');
      return refused(await features(ex), /yields\.parquet/);
    },
  },
  {
    id: 'data-weather-header-only',
    kind: 'data',
    title: 'daily weather CSV with a header and no rows',
    run: async () => {
      const c = weatherCase('weather-empty', []);
      return refused(
        await c.run(['--out', 'out/indices.zarr']),
        /daily\.csv/,
        existsSync(join(c.dir, 'out/indices.zarr')) ? ['out/indices.zarr'] : [],
      );
    },
  },
  {
    id: 'data-weather-missing-column',
    kind: 'data',
    title: 'daily weather CSV without the prcp_mm column',
    run: async () => {
      const dir = join(work, 'weather-nocol');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'nass.csv'), `${[NASS_HEADER, ...NASS_ROWS].join('\n')}\n`);
      const rows = weatherRows().map((r) =>
        r
          .split(',')
          .filter((_, i) => i !== 5)
          .join(','),
      );
      writeFileSync(join(dir, 'daily.csv'), `${[WEATHER_HEADER.replace(',prcp_mm', ''), ...rows].join('\n')}\n`);
      return refused(
        await cli(
          ['data', 'import', 'daily-weather', 'daily.csv', '--county-names', 'nass.csv', '--out', 'out/indices.zarr'],
          { cwd: dir },
        ),
        /prcp_mm/,
      );
    },
  },
  {
    id: 'zarr-root-meta-deleted',
    kind: 'Zarr',
    title: 'the root zarr.json of indices.zarr deleted',
    run: async () => {
      const ex = example('zarr-root');
      unlinkSync(join(ex.root, 'data/example/indices.zarr/zarr.json'));
      return refused(await features(ex), /indices\.zarr/);
    },
  },
  {
    id: 'zarr-chunk-symlink-outside',
    kind: 'Zarr',
    title: 'a tmax chunk symlinked to a file outside INPUT_DATA_DIR',
    run: async () => {
      const ex = example('zarr-outside');
      const chunk = findFile(join(ex.root, 'data/example/indices.zarr/tmax/c'));
      const outside = join(work, 'outside-chunk');
      cpSync(chunk, outside);
      unlinkSync(chunk);
      symlinkSync(outside, chunk);
      return refused(await features(ex), /indices\.zarr|INPUT_DATA_DIR/);
    },
  },
  {
    id: 'concurrency-two-imports-no-force',
    kind: 'concurrency',
    title: 'two data import daily-weather (no --force) at once to one store',
    run: async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const c = weatherCase(`conc-once-${attempt}`, weatherRows(0));
        writeFileSync(join(c.dir, 'daily-b.csv'), `${[WEATHER_HEADER, ...weatherRows(10)].join('\n')}\n`);
        const [r1, r2] = await Promise.all([
          cli(
            ['data', 'import', 'daily-weather', 'daily.csv', '--county-names', 'nass.csv', '--out', 'out/indices.zarr'],
            { cwd: c.dir },
          ),
          cli(
            [
              'data',
              'import',
              'daily-weather',
              'daily-b.csv',
              '--county-names',
              'nass.csv',
              '--out',
              'out/indices.zarr',
            ],
            { cwd: c.dir },
          ),
        ]);
        if (r1.code === 0 && r2.code === 0)
          return {
            outcome: 'weak',
            detail: `try ${attempt + 1}: both exit 0 without --force: one import replaced the other's store unannounced`,
          };
        const loser = r1.code === 0 ? r2 : r1;
        if (!/already exists/.test(causes(loser).cause[0] ?? '')) return refused(loser, /already exists/);
      }
      return { outcome: 'well', detail: 'three tries: one import wrote, the other was refused (already exists)' };
    },
  },
  {
    id: 'concurrency-dead-lease',
    kind: 'concurrency',
    title: 'a lease left by a killed writer on this host beside the feature tables',
    run: async () => {
      const ex = example('dead-lease');
      const dir = join(ex.root, 'features');
      mkdirSync(dir, { recursive: true });
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
      const now = Date.now();
      writeFileSync(
        join(dir, '.lease-corn_usa'),
        JSON.stringify({
          target: join(dir, 'corn_usa'),
          token: 'dead',
          host,
          hostname: hostname(),
          pid: dead,
          acquired_at: new Date(now).toISOString(),
          expires_at: new Date(now + 600_000).toISOString(),
        }),
      );
      const run = await features(ex, [], 120_000);
      return succeeded(run, () =>
        existsSync(join(dir, '.lease-corn_usa'))
          ? 'the dead lease is still there'
          : existsSync(join(dir, 'corn_usa/metadata.json'))
            ? ''
            : 'no metadata.json',
      );
    },
  },
  {
    id: 'concurrency-stale-temp',
    kind: 'concurrency',
    title: 'a two-hour-old temporary file of a dead writer beside the tables',
    run: async () => {
      const ex = example('stale-temp');
      const dir = join(ex.root, 'features');
      mkdirSync(dir, { recursive: true });
      const stale = join(dir, '.tmp-corn_usa-4242-0123456789ab');
      writeFileSync(stale, 'x'.repeat(1000));
      const old = new Date(Date.now() - 2 * 3600_000);
      utimesSync(stale, old, old);
      const run = await features(ex);
      return succeeded(run, () => (existsSync(stale) ? 'the stale temporary file is still there' : ''));
    },
  },
  {
    id: 'concurrency-kill-9-import',
    kind: 'concurrency',
    title: 'kill -9 during data import daily-weather, then import again',
    run: async () => {
      const rows = [];
      for (let g = 0; g < 40; g++)
        for (let d = 0; d < 800; d++)
          rows.push(
            `${19001 + 2 * g},${new Date(Date.UTC(2018, 0, 1) + d * 86_400_000).toISOString().slice(0, 10)},30.0,15.0,22.5,${d % 4},8`,
          );
      const c = weatherCase('kill9-import', rows);
      writeFileSync(
        join(c.dir, 'nass.csv'),
        `${[NASS_HEADER, ...Array.from({ length: 40 }, (_, g) => `${19001 + 2 * g},19,${String(1 + 2 * g).padStart(3, '0')},IA,C${g},corn,2020,175.0,1.0,,,`)].join('\n')}\n`,
      );
      const child = spawn(
        process.execPath,
        [
          BIN,
          'data',
          'import',
          'daily-weather',
          'daily.csv',
          '--county-names',
          'nass.csv',
          '--out',
          'out/indices.zarr',
        ],
        { cwd: c.dir, env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' },
      );
      for (let i = 0; i < 2000 && !existsSync(join(c.dir, 'out')); i++) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      const run = await c.run(['--out', 'out/indices.zarr', '--force']);
      if (run.code !== 0) return { outcome: 'weak', detail: `rerun failed: ${causes(run).cause[0]}` };
      const left = readdirSync(join(c.dir, 'out')).filter((n) => n.startsWith('.'));
      if (left.length > 0) return { outcome: 'weak', detail: `left ${left.join(', ')}` };
      const data = await readIndexStore(join(c.dir, 'out/indices.zarr'));
      return data.geoIdentifiers.length === 40
        ? { outcome: 'well', detail: 'rerun wrote the whole store, nothing left' }
        : { outcome: 'wrong', detail: `${data.geoIdentifiers.length} counties of 40` };
    },
  },
  {
    id: 'faults-frozen-endpoint-reads',
    kind: 'faults',
    title: 'features_dir on an S3 endpoint that never answers (run features)',
    s3: true,
    run: async () => {
      const hole = await blackHole();
      try {
        const ex = example('frozen-read');
        const run = await features(
          {
            ...ex,
            config: ex.config,
            env: {
              INPUT_DATA_DIR: ex.root,
              AWS_ENDPOINT_URL_S3: hole.endpoint,
              COMMODITY_HINDCAST_S3_DEADLINE_MS: '5000',
            },
          },
          ['--set', 'features_dir=s3://hostile/frozen-features'],
          60_000,
        );
        return refused(run, /s3:\/\/hostile\/frozen-features/);
      } finally {
        hole.close();
      }
    },
  },
  {
    id: 's3-two-features-at-once',
    kind: 'S3',
    title: 'two run features --force at once into one S3 features_dir, different settings',
    s3: true,
    run: async () => {
      const { S3Store } = await import('@commodity-hindcast/rundir-contract/store');
      const store = new S3Store({
        endpoint: s3Endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      for (let attempt = 0; attempt < 2; attempt++) {
        const ex = example(`s3-conc-${attempt}`);
        const dir = `s3://hostile/conc-${attempt}`;
        const [r1, r2] = await Promise.all([
          features(ex, ['--set', `features_dir=${dir}`, '--force'], 120_000),
          features(ex, ['--set', `features_dir=${dir}`, '--force', '--set', 'commodity.lag_days=5'], 120_000),
        ]);
        if (r1.code !== 0 && r2.code !== 0)
          return { outcome: 'weak', detail: `try ${attempt + 1}: both failed: ${causes(r1).cause[0]}` };
        const meta = JSON.parse(Buffer.from(await store.read(`${dir}/corn_usa/metadata.json`)).toString('utf8'));
        const fit = createHash('sha256')
          .update(await store.read(`${dir}/corn_usa/fit.parquet`))
          .digest('hex');
        const pred = createHash('sha256')
          .update(await store.read(`${dir}/corn_usa/pred.parquet`))
          .digest('hex');
        if (meta.tables.fit.sha256 !== fit || meta.tables.pred.sha256 !== pred)
          return {
            outcome: 'wrong',
            detail: `try ${attempt + 1}: metadata.json does not vouch for the tables beside it`,
          };
      }
      return { outcome: 'well', detail: 'two tries: metadata.json vouches for the tables each time' };
    },
  },
  {
    id: 's3-import-no-force-twice-at-once',
    kind: 'S3',
    title: 'two data import nass (no --force) at once to one S3 key',
    s3: true,
    run: async () => {
      const dir = nassDir();
      const [r1, r2] = await Promise.all([
        cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/once/y.parquet'], {
          cwd: dir,
          timeoutMs: 90_000,
        }),
        cli(['data', 'import', 'nass', 'c.csv', '--out', 's3://hostile/once/y.parquet'], {
          cwd: dir,
          timeoutMs: 90_000,
        }),
      ]);
      if (r1.code === 0 && r2.code === 0)
        return { outcome: 'weak', detail: 'both exit 0 without --force: one replaced the other unannounced' };
      return refused(r1.code === 0 ? r2 : r1, /already exists/);
    },
  },
  {
    id: 'security-input-dir-symlink-escape',
    kind: 'security',
    title: 'data/example is a symlink to a folder outside INPUT_DATA_DIR',
    run: async () => {
      const ex = example('sec-dir-link');
      const outside = join(work, 'outside-data');
      cpSync(join(ex.root, 'data/example'), outside, { recursive: true });
      rmSync(join(ex.root, 'data/example'), { recursive: true });
      symlinkSync(outside, join(ex.root, 'data/example'));
      return refused(await features(ex), /INPUT_DATA_DIR|outside|leaves/);
    },
  },
];

function findFile(/** @type {string} */ dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findFile(path);
    return path;
  }
  throw new Error(`no file under ${dir}`);
}

function nassDir() {
  const dir = mkdtempSync(join(work, 'nass-'));
  writeFileSync(join(dir, 'c.csv'), `${[NASS_HEADER, ...NASS_ROWS].join('\n')}\n`);
  return dir;
}

/** Two feature builds at once (the default config, and the same with lag_days 5) into one features_dir, three tries. */
async function concurrentFeatures() {
  const refs = example('conc-ref');
  const settingB = ['--set', 'commodity.lag_days=5'];
  const a = await features({ ...refs }, ['--set', `features_dir=${join(refs.root, 'fa')}`]);
  const b = await features({ ...refs }, ['--set', `features_dir=${join(refs.root, 'fb')}`, ...settingB]);
  if (a.code !== 0 || b.code !== 0) return { outcome: 'weak', detail: 'reference runs failed' };
  const key = 'corn_usa';
  const ref = (/** @type {string} */ d) => ({
    fit: sha256(join(refs.root, d, key, 'fit.parquet')),
    pred: sha256(join(refs.root, d, key, 'pred.parquet')),
  });
  const fa = ref('fa');
  const fb = ref('fb');
  for (let attempt = 0; attempt < 3; attempt++) {
    const ex = example(`conc-${attempt}`);
    const [r1, r2] = await Promise.all([features(ex, ['--force']), features(ex, ['--force', ...settingB])]);
    const dir = join(ex.root, 'features', key);
    if (!existsSync(join(dir, 'metadata.json'))) continue;
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    const got = { fit: sha256(join(dir, 'fit.parquet')), pred: sha256(join(dir, 'pred.parquet')) };
    const whole = (got.fit === fa.fit && got.pred === fa.pred) || (got.fit === fb.fit && got.pred === fb.pred);
    const vouches = meta.tables?.fit?.sha256 === got.fit && meta.tables?.pred?.sha256 === got.pred;
    if (!whole && vouches)
      return {
        outcome: 'wrong',
        detail: `try ${attempt + 1}: metadata vouches for a mix of the two runs' tables (exit ${r1.code}/${r2.code})`,
      };
    if (!whole)
      return {
        outcome: 'weak',
        detail: `try ${attempt + 1}: a mix of the two runs, caught by the checksums (exit ${r1.code}/${r2.code})`,
      };
  }
  return { outcome: 'well', detail: 'three tries: one run won whole each time' };
}

/** Two daily-weather imports of different CSVs at once into one store, three tries. */
async function concurrentWeather() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const c = weatherCase(`conc-weather-${attempt}`, weatherRows(0));
    writeFileSync(join(c.dir, 'daily-b.csv'), `${[WEATHER_HEADER, ...weatherRows(10)].join('\n')}\n`);
    const out = join(c.dir, 'out/indices.zarr');
    const [r1, r2] = await Promise.all([
      cli(['data', 'import', 'daily-weather', 'daily.csv', '--county-names', 'nass.csv', '--out', out, '--force'], {
        cwd: c.dir,
      }),
      cli(['data', 'import', 'daily-weather', 'daily-b.csv', '--county-names', 'nass.csv', '--out', out, '--force'], {
        cwd: c.dir,
      }),
    ]);
    let data;
    try {
      data = await readIndexStore(out);
    } catch {
      if (r1.code === 0 && r2.code === 0)
        return { outcome: 'wrong', detail: `try ${attempt + 1}: both exit 0 and the store does not read` };
      continue;
    }
    // tmin is 15 in one CSV and 25 in the other; tmax is 28..32 and 38..42.
    const tmin = data.variables.tmin.data[0];
    const tmax = data.variables.tmax.data[0];
    const fromA = (/** @type {number} */ v, /** @type {number} */ lo) => v >= lo && v < lo + 5;
    if (fromA(tmin, 15) !== fromA(tmax, 28))
      return {
        outcome: 'wrong',
        detail: `try ${attempt + 1}: a complete-looking store with tmax from one CSV and tmin from the other (exit ${r1.code}/${r2.code})`,
      };
  }
  return { outcome: 'well', detail: 'three tries: one import won whole each time' };
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const init = await cli([
    'example',
    'init',
    '--input-data-dir',
    base,
    '--states',
    '1',
    '--counties-per-state',
    '6',
    '--first-year',
    '2013',
    '--last-year',
    '2024',
  ]);
  if (init.code !== 0) throw new Error(`example init failed: ${init.stderr}`);
  await startS3();
  /** @type {{ id: string, kind: string, title: string, outcome: string, detail: string, seconds: number }[]} */
  const results = [];
  for (const c of CASES) {
    if (only && !only.split(',').some((part) => c.id.includes(part))) continue;
    const started = performance.now();
    /** @type {Verdict} */
    let verdict;
    if (c.s3 && !s3Endpoint) verdict = { outcome: 'skipped', detail: "no S3 test server (pip install 'moto[server]')" };
    else {
      try {
        verdict = await c.run();
      } catch (error) {
        verdict = {
          outcome: 'weak',
          detail: `case crashed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 160),
        };
      }
    }
    const row = {
      id: c.id,
      kind: c.kind,
      title: c.title,
      ...verdict,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    results.push(row);
    if (!asJson) process.stderr.write(`${row.outcome.padEnd(6)} ${row.id} (${row.seconds} s)\n`);
  }
  if (asJson) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const cell = (/** @type {string} */ t) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  console.log('| # | kind | case | outcome | what happened |');
  console.log('|---|---|---|---|---|');
  results.forEach((r, i) =>
    console.log(`| ${i + 1} | ${r.kind} | ${cell(r.title)} | ${r.outcome} | ${cell(r.detail)} |`),
  );
  console.log('');
  console.log('| kind | cases | well | weak | wrong | skipped |');
  console.log('|---|---|---|---|---|---|');
  const kinds = [...new Set(results.map((r) => r.kind))];
  for (const kind of [...kinds, 'all']) {
    const rs = results.filter((r) => kind === 'all' || r.kind === kind);
    const n = (/** @type {string} */ o) => rs.filter((r) => r.outcome === o).length;
    console.log(`| ${kind} | ${rs.length} | ${n('well')} | ${n('weak')} | ${n('wrong')} | ${n('skipped')} |`);
  }
}

try {
  await main();
} finally {
  moto?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
