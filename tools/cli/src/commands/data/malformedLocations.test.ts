import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';

const NASS_CSV = [
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct',
  '19169,19,169,IA,STORY,corn,2019,190.5,150000.0,,28575000.0,',
].join('\n');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-uri-'));
  await writeFile(join(root, 'corn_county.csv'), `${NASS_CSV}\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Issue 7, case 6: `--out s3:/bucket/key` (one slash) wrote a local folder named `s3:` and exited 0.
describe('a malformed S3 URI in any location flag is refused with one line, writing nothing', () => {
  it.each(['s3:/bucket/key.parquet', 's3//bucket/key.parquet', 'S3://bucket/key.parquet', 's3:bucket/key.parquet'])(
    '--out %s',
    async (uri) => {
      const run = await runBin(['data', 'import', 'nass', 'corn_county.csv', '--out', uri], { cwd: root });
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^commodity-hindcast: ${uri.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: malformed S3 URI; write s3://bucket/key`,
          ),
        ),
      ]);
      expect((await readdir(root)).sort()).toEqual(['corn_county.csv']);
    },
  );

  it('the input CSV, --config, --run-dir, rundir validate and INPUT_DATA_DIR', async () => {
    const cases: [string[], Record<string, string>][] = [
      [['data', 'import', 'nass', 's3:/bucket/corn_county.csv', '--out', 'x.parquet'], {}],
      [['run', 'features', '--config', 's3:/bucket/config.yaml'], { INPUT_DATA_DIR: root }],
      [
        ['run', 'features', '--run-dir', 's3:/bucket/runs/x', '--season-year', '2025', '--init-date', '2025-07-01'],
        { INPUT_DATA_DIR: root },
      ],
      [['rundir', 'validate', 'S3://bucket/runs/x'], {}],
      [['data', 'import', 'nass', 'corn_county.csv'], { INPUT_DATA_DIR: 's3:/bucket/input' }],
    ];
    for (const [args, env] of cases) {
      const run = await runBin(args, { cwd: root, env });
      const causes = lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast: '));
      expect({ args, code: run.code, causes: causes.length }).toEqual({ args, code: 1, causes: 1 });
      expect(causes[0]).toMatch(/malformed S3 URI; write s3:\/\/bucket\/key/);
    }
    expect((await readdir(root)).sort()).toEqual(['corn_county.csv']);
  });
});

describe('messages name the thing, and never echo a wrong file', () => {
  it('a directory where the yield table should be is called a directory, not "does not exist"', async () => {
    const input = join(root, 'dir-input');
    await mkdir(join(input, 'data/nass/corn_county.parquet/part'), { recursive: true });
    await writeFile(join(input, 'data/nass/corn_county.parquet/part/x'), 'x');
    await writeFile(
      join(root, 'daily.csv'),
      'geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm\n19169,2020-08-01,30.5,18.25,24.0,0.0\n',
    );
    const run = await runBin(['data', 'import', 'daily-weather', 'daily.csv', '--out', 'w.zarr'], {
      cwd: root,
      env: { INPUT_DATA_DIR: input },
    });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: ${join(input, 'data/nass/corn_county.parquet')} is a directory, not the NASS import's yield table; remove it and run 'commodity-hindcast data import nass <corn_county.csv>', or pass --county-names <NASS CSV or yield table>`,
    ]);
    await rm(input, { recursive: true });
    await rm(join(root, 'daily.csv'));
  });

  it('/etc/passwd given as a CSV is refused without quoting its first line', async () => {
    const run = await runBin(['data', 'import', 'nass', '/etc/passwd', '--out', 'p.parquet'], { cwd: root });
    expect(run.code).toBe(1);
    expect(lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast: '))).toHaveLength(1);
    expect(run.stderr).not.toMatch(/root:|\/bin\//);
  });
});
