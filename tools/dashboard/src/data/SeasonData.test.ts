import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { LocalStore } from '@commodity-hindcast/rundir-contract/store';
import { buildRunDir, REFERENCE_CONFIG_YAML } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsIndex } from './RunsIndex.js';
import { readSeasonData } from './SeasonData.js';

// Season 2020 as WASDE printed it: a July and an August projection, then the final (actual) a year later.
const WASDE = `commodity,country,report_date,season_year,projected_yield,unit,year_status
corn,United States,2020-07-10,2020,175.0,bu/acre,projection
corn,United States,2020-08-12,2020,181.8,bu/acre,projection
corn,United States,2021-05-12,2020,172.0,bu/acre,actual
`;
// bu/acre → kg/ha for corn: 56 lb a bushel, 0.453592 kg a pound, 0.404686 ha an acre (the contract's rounded units).
const kgHa = (buAcre: number): number => (buAcre * 56 * 0.453592) / 0.404686;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dashboard-season-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readSeasonData', () => {
  it('puts the WASDE forecast in force at each init date beside the slices, and its final', async () => {
    const dataRoot = join(root, 'data');
    const file = join(dataRoot, 'data/wasde/vintages.csv');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, WASDE);
    const config = resolveConfigText(
      `${REFERENCE_CONFIG_YAML}reference_data:\n  - {kind: wasde, filepath: data/wasde/vintages.csv}\n`,
      { where: 'season test config', env: { INPUT_DATA_DIR: dataRoot }, flags: {} },
    );
    await buildRunDir(dataRoot, { config, now: new Date(Date.UTC(2024, 0, 1)) }); // slice 2020-08-01
    await buildRunDir(dataRoot, {
      config,
      now: new Date(Date.UTC(2024, 0, 2)),
      slice: { seasonYear: 2020, initDate: '2020-08-20' },
    });
    const store = new LocalStore();
    const index = new RunsIndex(join(dataRoot, 'runs'), store);
    const data = await readSeasonData('corn_usa', 2020, await index.allSummaries(), store);

    expect(data.problems).toEqual([]);
    expect(data.forecasts.map((f) => f.initDate)).toEqual(['2020-08-01', '2020-08-20']);
    // 2020-08-01: the July report is the latest on or before it; 2020-08-20: the August one.
    expect(data.wasde.map((w) => [w.initDate, w.reportDate])).toEqual([
      ['2020-08-01', '2020-07-10'],
      ['2020-08-20', '2020-08-12'],
    ]);
    expect(data.wasde[0]?.value).toBeCloseTo(kgHa(175.0), 6);
    expect(data.wasde[1]?.value).toBeCloseTo(kgHa(181.8), 6);
    expect(data.wasdeFinal?.value).toBeCloseTo(kgHa(172.0), 6);
    expect(data.wasdeFinal?.status).toBe('actual');
  });

  it('reads no season of another key', async () => {
    const store = new LocalStore();
    const index = new RunsIndex(join(root, 'data', 'runs'), store);
    const data = await readSeasonData('soybeans_usa', 2020, await index.allSummaries(), store);
    expect(data.forecasts).toEqual([]);
  });
});
