import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';

const NASS_CSV = [
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct',
  '19169,19,169,IA,STORY,corn,2020,175.0,149000.0,,26075000.0,',
  '19153,19,153,IA,POLK,corn,2020,180.0,80000.0,,,',
].join('\n');
const HEADER = 'geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells';

interface Report {
  rowsRead: number;
  rowsWritten: number;
  dropped: { reason: string; count: number; examples?: string[] }[];
  outputs: { shape?: { geos: number; timeSteps: number } }[];
}

let root: string;
const run = (args: string[]) =>
  runBin(['data', 'import', 'daily-weather', ...args, '--county-names', 'corn_county.csv'], { cwd: root });
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-plausible-'));
  await writeFile(join(root, 'corn_county.csv'), `${NASS_CSV}\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Issue 7, case 5: one `9999-12-31` in a daily weather CSV made a 2.9-million-step store (2.1 GB) and exited 0.
describe('data import daily-weather refuses implausible rows', () => {
  const typo = [
    HEADER,
    '19169,2020-08-01,30.5,18.25,24.0,0.0,8',
    '19169,9999-12-31,31.0,19.0,25.0,12.5,8',
    '19153,2020-08-02,28.5,17.0,22.75,3.5,9',
  ].join('\n');

  it('a date outside 1800-2200 fails with one line naming the file, line and value, and writes nothing', async () => {
    await writeFile(join(root, 'typo.csv'), `${typo}\n`);
    const result = await run(['typo.csv', '--out', 'typo.zarr']);
    expect(result.code).toBe(1);
    expect(lines(result.stderr).slice(1)).toEqual([
      `commodity-hindcast: ${join(root, 'typo.csv')}: line 3: column "date": expected a calendar date YYYY-MM-DD in the years 1800-2200, found "9999-12-31"; fix the date (a typo?), or pass --drop-implausible to drop such rows`,
    ]);
    expect(await readdir(root)).not.toContain('typo.zarr');
  });

  it('with --drop-implausible the row is dropped and counted, and the store spans the real dates only', async () => {
    const result = await run(['typo.csv', '--out', 'dropped.zarr', '--drop-implausible', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toMatchObject({
      rowsRead: 3,
      rowsWritten: 2,
      dropped: [{ reason: 'a date outside 1800-2200', count: 1 }],
    });
    expect(report.outputs[0]?.shape).toMatchObject({ geos: 2, timeSteps: 2 });
  });

  it('a temperature or precipitation outside its physical range fails naming the file, line and range', async () => {
    const rows = [
      HEADER,
      '19169,2020-08-01,30.5,18.25,24.0,0.0,8',
      '19153,2020-08-02,28.5,17.0,22.75,-3.5,9',
      '19153,2020-08-03,86.0,17.0,22.75,3.5,9',
    ];
    await writeFile(join(root, 'physical.csv'), `${rows.join('\n')}\n`);
    const refused = await run(['physical.csv', '--out', 'physical.zarr']);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr).slice(1)).toEqual([
      `commodity-hindcast: ${join(root, 'physical.csv')}: line 3: column "prcp_mm": expected a value from 0 to 2,000 mm/day, found -3.5; fix the value, or pass --drop-implausible to drop such rows`,
    ]);
    const dropped = await run(['physical.csv', '--out', 'physical.zarr', '--drop-implausible', '--json']);
    expect(dropped.code).toBe(0);
    const report = JSON.parse(dropped.stdout) as Report;
    expect(report).toMatchObject({ rowsRead: 3, rowsWritten: 1 });
    expect(report.dropped).toEqual([
      expect.objectContaining({
        reason: 'a value outside its physical range (temperatures -90 to 60 °C, precipitation 0 to 2,000 mm/day)',
        count: 2,
      }),
    ]);
  });
});

describe('data import nass refuses a yield above the physical limit', () => {
  it('fails naming the file and line, or drops and counts the row with --drop-implausible', async () => {
    // 1905 bu/ac: a typo (190.5) that would pass as a record yield of 119,600 kg/ha.
    await writeFile(join(root, 'yields.csv'), `${NASS_CSV.replace('175.0', '1905')}\n`);
    const refused = await runBin(['data', 'import', 'nass', 'yields.csv', '--out', 'y.parquet'], { cwd: root });
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr).slice(1)).toEqual([
      `commodity-hindcast: ${join(root, 'yields.csv')}: line 2: column "yield_bu_per_acre": expected a yield from 0 to 637 bu/ac (the physical limit), found 1905; fix the value (a unit mix-up?), or pass --drop-implausible to drop such rows`,
    ]);
    const dropped = await runBin(
      ['data', 'import', 'nass', 'yields.csv', '--out', 'y.parquet', '--drop-implausible', '--json'],
      { cwd: root },
    );
    expect(dropped.code).toBe(0);
    expect(JSON.parse(dropped.stdout)).toMatchObject({
      rowsRead: 2,
      rowsWritten: 1,
      dropped: [{ reason: 'a yield above 637 bu/ac (the physical limit)', count: 1 }],
    });
  });
});
