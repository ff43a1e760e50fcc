import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { verifyFeatureTables } from '@commodity-hindcast/rundir-contract/validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliSkipReason, lines, runCli, type CliRun } from '../__fixtures__/CliBin.js';
import { FaultProxy, type FaultProxyOptions } from './FaultProxy.js';
import type { HttpRequest } from './HttpMessage.js';
import { createBucket, directStore, snapshot } from './S3Snapshot.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
    s3SkipReason: string;
  }
}

const s3Endpoint = inject('s3Endpoint');
// Under CI an unbuilt CLI is an error (turbo builds it first: it is a devDependency), never a silent skip.
const skipReason = inject('s3SkipReason') || (process.env.CI ? '' : cliSkipReason);

/** Seeds of the transient-fault schedules; a failure prints its seed and every fault it injected. */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
/** The SDK's attempts per request: the schedules put at most 2 failing faults in a row on one request. */
const MAX_ATTEMPTS = '5';
/** A permanent fault must end the run within this (generous; the SDK's backoff is seconds). */
const PERMANENT_FAULT_BOUND_MS = 90_000;

const NASS_CSV = [
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct',
  '19169,19,169,IA,STORY,corn,2020,175.0,149000.0,,26075000.0,',
  '19153,19,153,IA,POLK,corn,2020,170.0,80000.0,,,',
  '17019,17,019,IL,CHAMPAIGN,corn,2020,201.2,300000.0,,60360000.0,',
].join('\n');

/** Two years of daily weather for three counties, deterministic. */
function dailyWeatherCsv(): string {
  const rows = ['geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells'];
  const start = Date.UTC(2019, 0, 1);
  for (const [g, geoid] of ['19169', '19153', '17019'].entries()) {
    for (let d = 0; d < 731; d++) {
      const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      const season = Math.sin((2 * Math.PI * d) / 365.25);
      const tmax = (15 + 15 * season + g).toFixed(2);
      const tmin = (3 + 12 * season + g).toFixed(2);
      rows.push(
        `${geoid},${date},${tmax},${tmin},${((Number(tmax) + Number(tmin)) / 2).toFixed(3)},${((d * 7 + g * 3) % 11) * 0.5},8`,
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

describe.skipIf(skipReason !== '')(
  `run features and data import on S3 through a fault proxy${skipReason ? ` (${skipReason})` : ''}`,
  () => {
    const bucket = `faults-${randomBytes(4).toString('hex')}`;
    const dataRoot = `s3://${bucket}/example`;
    const featuresDir = `${dataRoot}/features`;
    const configUri = `${dataRoot}/configs/example_corn_usa.yaml`;
    const weatherOut = `s3://${bucket}/imports/weather/indices.zarr`;
    const upstream = (): FaultProxyOptions['upstream'] => {
      const url = new URL(s3Endpoint);
      return { host: url.hostname, port: Number(url.port) };
    };
    const store = directStore(s3Endpoint);
    let workDir: string;
    let cleanFeatures: Record<string, string>;
    let cleanWeather: Record<string, string>;

    const env = (endpoint: string): Record<string, string> => ({
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_MAX_ATTEMPTS: MAX_ATTEMPTS,
      COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: MAX_ATTEMPTS,
      INPUT_DATA_DIR: dataRoot,
    });
    const features = (endpoint: string, timeoutMs?: number): Promise<CliRun> =>
      runCli(['run', 'features', '--config', configUri], {
        cwd: workDir,
        env: env(endpoint),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
    const importWeather = (endpoint: string, timeoutMs?: number): Promise<CliRun> =>
      runCli(
        [
          'data',
          'import',
          'daily-weather',
          'weather/daily.csv',
          '--county-names',
          'corn_county.csv',
          '--out',
          weatherOut,
        ],
        {
          cwd: workDir,
          env: env(endpoint),
          ...(timeoutMs ? { timeoutMs } : {}),
        },
      );
    const expectDone = (run: CliRun, proxy?: FaultProxy): void => {
      const context = `${proxy?.describe() ?? 'direct to moto'}\nexit ${run.code}, stderr:\n${run.stderr}`;
      expect(run.code, context).toBe(0);
    };

    beforeAll(async () => {
      if (cliSkipReason) throw new Error(cliSkipReason);
      workDir = await mkdtemp(join(tmpdir(), 'faults-'));
      await writeFile(join(workDir, 'corn_county.csv'), `${NASS_CSV}\n`);
      await import('node:fs/promises').then((fs) => fs.mkdir(join(workDir, 'weather')));
      await writeFile(join(workDir, 'weather/daily.csv'), dailyWeatherCsv());
      await createBucket(s3Endpoint, bucket);
      // Inputs go to moto directly: the faults are for the runs under test.
      const init = await runCli(
        [
          'example',
          'init',
          '--input-data-dir',
          dataRoot,
          '--states',
          '1',
          '--counties-per-state',
          '6',
          '--first-year',
          '2013',
          '--last-year',
          '2024',
        ],
        { cwd: workDir, env: env(s3Endpoint) },
      );
      expectDone(init);
      expectDone(await features(s3Endpoint));
      cleanFeatures = await snapshot(store, featuresDir);
      expectDone(await importWeather(s3Endpoint));
      cleanWeather = await snapshot(store, weatherOut);
    });

    afterAll(async () => {
      await store.deletePrefix(`s3://${bucket}`).catch(() => undefined);
      store.client.destroy();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('has clean outputs to compare with: the feature tables with their metadata, and a Zarr store', () => {
      expect(Object.keys(cleanFeatures)).toEqual([
        'corn_usa/fit.parquet',
        'corn_usa/metadata.json',
        'corn_usa/pred.parquet',
      ]);
      expect(Object.keys(cleanWeather)).toContain('zarr.json');
      expect(Object.keys(cleanWeather).length).toBeGreaterThan(5);
    });

    const totals: Record<string, number> = {};
    afterAll(() => {
      console.info(`faults injected over ${SEEDS.length} schedules: ${JSON.stringify(totals)}`);
    });

    it.each(SEEDS)('schedule %i: both complete with outputs byte-identical to a clean run', async (seed) => {
      await store.deletePrefix(featuresDir);
      await store.deletePrefix(weatherOut);
      const proxy = await FaultProxy.start({ upstream: upstream(), schedule: { seed, faultRate: 0.2, maxFaults: 12 } });
      try {
        // Both at once through one proxy: the schedule decides per request, whichever process sends it.
        const [run, imported] = await Promise.all([features(proxy.endpoint), importWeather(proxy.endpoint)]);
        expectDone(run, proxy);
        expectDone(imported, proxy);
        expect(await snapshot(store, featuresDir), proxy.describe()).toEqual(cleanFeatures);
        expect(await snapshot(store, weatherOut), proxy.describe()).toEqual(cleanWeather);
        const counts = proxy.faultCounts();
        console.info(
          `schedule ${seed}: ${proxy.events.length} requests, faults ${JSON.stringify(counts)}; features ${Math.round(run.ms)} ms, import ${Math.round(imported.ms)} ms`,
        );
        for (const [kind, count] of Object.entries(counts)) totals[kind] = (totals[kind] ?? 0) + count;
        // A schedule that injected nothing would prove nothing.
        expect(Object.keys(counts).length, proxy.describe()).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });

    describe('a permanent fault fails with one line naming the location and leaves nothing that validates', () => {
      const permanent = async (
        options: Omit<FaultProxyOptions, 'upstream'>,
        run: (endpoint: string) => Promise<CliRun>,
      ): Promise<CliRun> => {
        const proxy = await FaultProxy.start({ upstream: upstream(), ...options });
        try {
          const result = await run(proxy.endpoint);
          expect(result.timedOut, `${proxy.describe()}\n${result.stderr}`).toBe(false);
          return result;
        } finally {
          await proxy.close();
        }
      };
      const expectOneLine = (run: CliRun, location: RegExp): void => {
        expect(run.code, run.stderr).toBe(1);
        expect(lines(run.stderr).filter((line) => !/^features: |^daily-weather: /.test(line))).toEqual([
          expect.stringMatching(location),
        ]);
      };

      it('503 to every request: run features', async () => {
        await store.deletePrefix(featuresDir);
        const run = await permanent({ script: () => SLOW_DOWN }, (endpoint) =>
          features(endpoint, PERMANENT_FAULT_BOUND_MS),
        );
        expectOneLine(run, new RegExp(`^commodity-hindcast: .*${escape(configUri)}.*503`));
        await expect(verifyFeatureTables(featuresDir, 'corn_usa', { store })).rejects.toThrow();
      });

      it('503 to every write (reads pass): run features leaves no metadata vouching for tables', async () => {
        await store.deletePrefix(featuresDir);
        const run = await permanent({ script: (request) => (isWrite(request) ? SLOW_DOWN : PASS) }, (endpoint) =>
          features(endpoint, PERMANENT_FAULT_BOUND_MS),
        );
        expectOneLine(run, new RegExp(`^commodity-hindcast: .*${escape(featuresDir)}/corn_usa/fit\\.parquet.*503`));
        expect(await store.exists(`${featuresDir}/corn_usa/metadata.json`)).toBe(false);
        await expect(verifyFeatureTables(featuresDir, 'corn_usa', { store })).rejects.toThrow();
      });

      it('every connection reset: run features', async () => {
        await store.deletePrefix(featuresDir);
        const run = await permanent({ script: () => ({ kind: 'reset-before' }) }, (endpoint) =>
          features(endpoint, PERMANENT_FAULT_BOUND_MS),
        );
        expectOneLine(run, new RegExp(`^commodity-hindcast: .*${escape(configUri)}`));
        await expect(verifyFeatureTables(featuresDir, 'corn_usa', { store })).rejects.toThrow();
      });

      it('503 to every write after the first five: data import daily-weather leaves no readable store', async () => {
        await store.deletePrefix(weatherOut);
        let writes = 0;
        const run = await permanent(
          { script: (request) => (isWrite(request) && ++writes > 5 ? SLOW_DOWN : PASS) },
          (endpoint) => importWeather(endpoint, PERMANENT_FAULT_BOUND_MS),
        );
        expectOneLine(run, new RegExp(`^commodity-hindcast: .*${escape(weatherOut)}.*503`));
        await expect(readIndexStore(weatherOut, { store })).rejects.toThrow();
      });
    });
  },
);

const SLOW_DOWN = { kind: 'error-before', status: 503 } as const;
const PASS = { kind: 'pass' } as const;

function isWrite(request: HttpRequest): boolean {
  return request.method === 'PUT' || request.method === 'POST';
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
