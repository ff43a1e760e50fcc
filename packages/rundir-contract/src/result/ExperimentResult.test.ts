import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochDayToIso } from '../domain/EpochDay.js';
import { calendarFromConfig } from '../domain/SeasonCalendar.js';
import {
  ContractError,
  ManifestError,
  NotFoundError,
  RunDirNotFoundError,
  SchemaError,
  UnsupportedContractVersionError,
} from '../errors/ContractError.js';
import { readIndexStore } from '../io/IndexStore.js';
import { modelPath, runPath, walkForwardPredsPath } from '../layout/RunLayout.js';
import type { Frame } from '../schemas/TableSchema.js';
import { buildRunDir, FIXTURE_GEOS, type BuiltRunDir } from '../testing/index.js';
import { ExperimentResult } from './ExperimentResult.js';

let root: string;
let built: BuiltRunDir;
let result: ExperimentResult;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'experiment-result-'));
  built = await buildRunDir(nodePath.join(root, 'complete'));
  result = await ExperimentResult.fromRunDir(built.runDir);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A fresh fixture for tests that damage it. */
async function freshRunDir(label: string): Promise<BuiltRunDir> {
  return buildRunDir(nodePath.join(root, label), { forecast: false });
}

/** |obs − sim| of every row of prediction frames whose init date has month-day `md` (all rows when undefined). */
function absResiduals(frames: readonly Frame[], md?: string): number[] {
  const out: number[] = [];
  for (const f of frames) {
    const obs = f.columns.obs_yield_kg_ha as ArrayLike<number | null>;
    const sim = f.columns.sim_yield_kg_ha as ArrayLike<number>;
    const init = f.columns.init_date as ArrayLike<number>;
    for (let i = 0; i < f.numRows; i++) {
      if (md === undefined || epochDayToIso(init[i] as number).slice(5) === md)
        out.push(Math.abs((obs[i] as number) - (sim[i] as number)));
    }
  }
  return out;
}

describe('ExperimentResult.fromRunDir on a complete run directory', () => {
  it('rebuilds identity and config from the path alone', async () => {
    expect(result.runDir).toBe(built.runDir);
    expect(result.runId).toBe(nodePath.basename(built.runDir));
    expect(result.runId).toMatch(/^\d{8}_\d{6}_corn_usa$/);
    expect(result.experimentKey).toBe('corn_usa');
    expect(result.contractVersion).toBe('1.0.0');
    expect(result.marker.run_id).toBe(result.runId);
    // Lazy and read once: the same promise every time.
    expect(result.config()).toBe(result.config());
    const config = await result.config();
    expect(config.experiment_protocol.test_years).toEqual([2018, 2019]);
    expect(config.postprocess.conformalise).toEqual(['hindcast_oos_per_init_date', 'in_sample_pooled']);
    expect(config.run_dir_base).toBe(nodePath.join(root, 'complete', 'runs'));
  });

  it('normalises a relative location', async () => {
    const relative = nodePath.relative(process.cwd(), built.runDir);
    const again = await ExperimentResult.fromRunDir(relative);
    expect(again.runDir).toBe(built.runDir);
  });

  it('finds one slice per fold, the production fold, the forecast slice and a calibration per mode', () => {
    expect(result.hindcastSlices().map((s) => s.fold)).toEqual(['2018', '2019']);
    expect(result.hindcastSlices().map((s) => s.testYear)).toEqual([2018, 2019]);
    const production = result.productionSlice();
    expect(production?.fold).toBe('production');
    expect(production?.testYear).toBeUndefined();
    expect(result.forecastSlices().map((s) => [s.seasonYear, s.initDate, s.scope])).toEqual([
      [2020, '2020-08-01', 'forecast/2020/2020-08-01'],
    ]);
    expect(result.calibrations().map((c) => c.mode)).toEqual(['hindcast_oos_per_init_date', 'in_sample_pooled']);
    const slice2019 = result.hindcastSlice(2019);
    expect(slice2019.locations.walkForwardPreds).toBe(runPath(built.runDir, walkForwardPredsPath('corn_usa', 2019)));
    expect(slice2019.locations.model).toBe(nodePath.join(built.runDir, 'models', 'corn_usa', '2019', 'model.json'));
    expect(result.forecastSlices()[0]?.locations.delivery[0]).toBe(
      nodePath.join(built.runDir, 'forecast/2020/2020-08-01/delivery/Treefera_corn_usa_ADM0_Forecast_2020-08-01.csv'),
    );
  });

  it('names the folds present when asked for one that is not', () => {
    expect(() => result.hindcastSlice(2017)).toThrow(NotFoundError);
    expect(() => result.hindcastSlice(2017)).toThrow(
      /has no fold 2017 \(folds present: 2018, 2019, production\); make it with 'commodity-hindcast run hindcast --run-dir /,
    );
    expect(() => result.forecastSlice({ seasonYear: 2021, initDate: '2021-08-01' })).toThrow(
      /slices present: 2020\/2020-08-01.*run forecast --run-dir .* --season-year 2021 --init-date 2021-08-01/,
    );
  });

  it('reports every slice complete', async () => {
    for (const slice of [...result.hindcastSlices(), result.productionSlice()!])
      expect(await slice.isComplete()).toBe(true);
    expect(await result.forecastSlices()[0]!.isComplete()).toBe(true);
  });

  it('reads each fold artifact through its schema', async () => {
    const slice = result.hindcastSlice(2018);
    const wf = await slice.readWalkForwardPreds();
    expect(wf.numRows).toBe(2 * FIXTURE_GEOS.length);
    expect(new Set(wf.columns.fold as string[])).toEqual(new Set(['2018']));
    expect(Array.from(wf.columns.year as Int32Array)).toEqual(new Array(6).fill(2018));
    const trend = wf.columns.trend_kg_ha as Float64Array;
    const detrended = wf.columns.sim_yield_kg_ha_detrended as Float64Array;
    const sim = wf.columns.sim_yield_kg_ha as Float64Array;
    for (let i = 0; i < wf.numRows; i++) expect(sim[i]).toBe((trend[i] as number) + (detrended[i] as number));

    // Training rows: 2010..2017 × 3 geos at the harvest init date.
    const train = await slice.readTrainPreds();
    expect(train.numRows).toBe(8 * FIXTURE_GEOS.length);
    expect(Math.max(...(train.columns.year as Int32Array))).toBe(2017);

    const yearData = await slice.readYearData();
    expect(yearData.columnNames).toEqual([
      'year',
      'geo_identifier',
      'init_date',
      'yield_kg_ha',
      'gdd_jul',
      'precip_jun',
    ]);
    expect((await slice.readDetrender()).groups.map((g) => g.geo_identifier)).toEqual([
      'ADM0:USA',
      'ADM0:USA/ADM1:illinois',
      'ADM0:USA/ADM1:iowa',
    ]);
    const model = await slice.readModel();
    expect(model.kind === 'ridge' && model.coefficients).toEqual([120.5, -40.25]);
    expect(await slice.readFillValues()).toEqual([
      { feature: 'gdd_jul', value: 50.5, method: 'median' },
      { feature: 'precip_jun', value: 49.5, method: 'median' },
    ]);
    expect(await slice.readBiasCorrector()).toEqual({
      kind: 'none',
      bias_kg_ha: 0,
      n_lookback_years: 10,
      years_used: [],
    });
  });

  it('refuses walk-forward predictions of the production fold, which has none', async () => {
    const production = result.productionSlice()!;
    expect(() => production.readWalkForwardPreds()).toThrow(ContractError);
    expect(() => production.readWalkForwardPreds()).toThrow(/production fold has no walk_forward_preds/);
    // Its training rows cover every feature year.
    expect((await production.readTrainPreds()).numRows).toBe(11 * FIXTURE_GEOS.length);
  });

  it('reads the forecast slice', async () => {
    const slice = result.forecastSlices()[0]!;
    const preds = await slice.readPreds();
    expect(preds.numRows).toBe(FIXTURE_GEOS.length);
    expect(new Set(preds.columns.fold as string[])).toEqual(new Set(['production']));
    expect(preds.columns.obs_yield_kg_ha).toEqual([null, null, null]);
    const national = await slice.readNational();
    expect(national.columnNames).toContain('lower_80_kg_ha');
    expect(national.columnNames).toContain('upper_95_kg_ha');
    expect((await slice.readFeatures()).numRows).toBe(FIXTURE_GEOS.length);
    const indices = await readIndexStore(slice.locations.indices);
    expect(indices.geoIdentifiers).toEqual([...FIXTURE_GEOS]);
    expect(indices.observedUntil).toBe('2020-07-31');
  });
});

describe('CalibrationResult', () => {
  it('returns the split-conformal half-width of the walk-forward residuals, computed here independently', async () => {
    const calibration = result.calibration('hindcast_oos_per_init_date');
    const frames = await Promise.all(result.hindcastSlices().map((s) => s.readWalkForwardPreds()));
    for (const [md, doy] of [
      ['07-29', '120'],
      ['10-01', '184'],
    ] as const) {
      const residuals = absResiduals(frames, md).sort((a, b) => a - b);
      expect(residuals).toHaveLength(6);
      // Rank ⌈(6+1)·0.8⌉ = 6: the largest of the six.
      expect(await calibration.halfWidth({ admLevel: 2, scope: 'init_doy', key: doy, level: 0.8 })).toBe(residuals[5]);
      // Rank ⌈7·0.95⌉ = 7 > 6: too few residuals, reported as infinite, never invented.
      expect(
        await calibration.halfWidth({
          admLevel: 'ADM2',
          scope: 'init_doy',
          key: doy,
          level: 0.95,
          method: 'split_conformal',
        }),
      ).toBe(Number.POSITIVE_INFINITY);
    }
    // A level computed in floating point still finds its row.
    expect(await calibration.halfWidth({ admLevel: 2, scope: 'init_doy', key: '120', level: 1 - 0.2 })).toBeGreaterThan(
      0,
    );
    const rows = await calibration.read();
    expect(rows).toHaveLength(2 /* md */ * 3 /* ADM */ * 2 /* levels */);
    expect(rows.filter((r) => r.adm_level === 'ADM2').map((r) => r.n_residuals)).toEqual([6, 6, 6, 6]);
    expect(rows.filter((r) => r.adm_level === 'ADM1').map((r) => r.n_residuals)).toEqual([4, 4, 4, 4]);
  });

  it('halfWidthAt keys an init date by its grid season day; an off-grid date by the last grid day on or before it', async () => {
    const calibration = result.calibration('hindcast_oos_per_init_date');
    const calendar = calendarFromConfig(built.config.commodity);
    const day120 = await calibration.halfWidth({ admLevel: 0, scope: 'init_doy', key: '120', level: 0.8 });
    expect(await calibration.halfWidthAt({ admLevel: 0, level: 0.8, calendar, initDate: '2019-07-29' })).toBe(day120);
    // 2020-08-01 is season day 123: the grid day on or before it is 120 (127 would use data not yet observed).
    expect(await calibration.halfWidthAt({ admLevel: 0, level: 0.8, calendar, initDate: '2020-08-01' })).toBe(day120);
    // Season day 121 lies between the grid days 120 and 127: 127 has no row, and 120 is the one to use.
    await expect(
      calibration.halfWidthAt({ admLevel: 0, level: 0.8, calendar, initDate: '2020-08-05' }),
    ).rejects.toThrow(/key "127" is absent \(keys present for ADM0\/init_doy: 120, 184\)/);
  });

  it('pooled in-sample half-widths match the production training residuals', async () => {
    const train = await result.productionSlice()!.readTrainPreds();
    const residuals = absResiduals([train]).sort((a, b) => a - b);
    expect(residuals).toHaveLength(33);
    const calibration = result.calibration('in_sample_pooled');
    // Ranks ⌈34·0.8⌉ = 28 and ⌈34·0.95⌉ = 33.
    expect(await calibration.halfWidth({ admLevel: 2, scope: 'pooled', key: 'all', level: 0.8 })).toBe(residuals[27]);
    expect(await calibration.halfWidth({ admLevel: 2, scope: 'pooled', key: 'all', level: 0.95 })).toBe(residuals[32]);
  });

  it('names what is missing and what is there', async () => {
    const calibration = result.calibration('hindcast_oos_per_init_date');
    await expect(calibration.halfWidth({ admLevel: 2, scope: 'init_doy', key: '121', level: 0.8 })).rejects.toThrow(
      /no half-width for ADM2 scope init_doy key "121" level 0\.8 method split_conformal: key "121" is absent \(keys present for ADM2\/init_doy: 120, 184\)/,
    );
    await expect(calibration.halfWidth({ admLevel: 2, scope: 'init_doy', key: '120', level: 0.9 })).rejects.toThrow(
      /level 0\.9 is absent \(levels present: 0\.8, 0\.95\)/,
    );
    await expect(
      result.calibration('in_sample_pooled').halfWidth({ admLevel: 1, scope: 'pooled', key: 'all', level: 0.8 }),
    ).rejects.toThrow(/no ADM1\/pooled rows \(present: ADM2\/pooled\)/);
    await expect(
      calibration.halfWidth({ admLevel: 2, scope: 'init_doy', key: '120', level: 0.8, method: 'quantile' }),
    ).rejects.toThrow(SchemaError);
    expect(() => result.calibration('hindcast_oos_per_year')).toThrow(
      /conformal\/hindcast_oos_per_year\.parquet does not exist: .*run postprocess --run-dir /,
    );
  });
});

describe('trust only under a manifest', () => {
  it('a changed byte makes the fold incomplete and its reader refuse the file', async () => {
    const run = await freshRunDir('tampered');
    const file = runPath(run.runDir, modelPath('corn_usa', 2019));
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('120.5', '129.5'));
    const opened = await ExperimentResult.fromRunDir(run.runDir);
    expect(await opened.hindcastSlice(2019).isComplete()).toBe(false);
    expect(await opened.hindcastSlice(2018).isComplete()).toBe(true);
    const read = opened.hindcastSlice(2019).readModel();
    await expect(read).rejects.toThrow(ManifestError);
    await expect(read).rejects.toThrow(`${file}: sha256`);
    await expect(read).rejects.toThrow(
      /recorded in _manifests\/fit\/2019\.json: it changed after its stage completed; rerun 'commodity-hindcast run hindcast --run-dir /,
    );
  });

  it('an artifact no manifest lists is not read', async () => {
    const run = await freshRunDir('unlisted');
    await fs.rm(nodePath.join(run.runDir, '_manifests', 'predict', '2018.json'));
    const opened = await ExperimentResult.fromRunDir(run.runDir);
    expect(await opened.hindcastSlice(2018).isComplete()).toBe(false);
    await expect(opened.hindcastSlice(2018).readWalkForwardPreds()).rejects.toThrow(
      /walk_forward_preds\.parquet: not listed in any manifest, so its stage did not complete; make it with 'commodity-hindcast run hindcast --run-dir /,
    );
    // The fit outputs of the same fold are still trusted.
    expect((await opened.hindcastSlice(2018).readDetrender()).kind).toBe('linear_state');
  });

  it('a missing artifact names the command that makes it', async () => {
    const run = await freshRunDir('missing');
    await fs.rm(nodePath.join(run.runDir, 'models', 'corn_usa', 'production', 'feature_fill_values.parquet'));
    const opened = await ExperimentResult.fromRunDir(run.runDir);
    expect(await opened.productionSlice()!.isComplete()).toBe(false);
    await expect(opened.productionSlice()!.readFillValues()).rejects.toThrow(
      /feature_fill_values\.parquet does not exist; make it with 'commodity-hindcast run hindcast --run-dir .*' \(or 'commodity-hindcast run fit-production --config <config>'\)/,
    );
  });
});

describe('what is not a usable run directory', () => {
  it('a folder without _rundir.json is RunDirNotFoundError with the fix', async () => {
    const empty = await fs.mkdtemp(nodePath.join(root, 'empty-'));
    await expect(ExperimentResult.fromRunDir(empty)).rejects.toThrow(RunDirNotFoundError);
    await expect(ExperimentResult.fromRunDir(empty)).rejects.toThrow(
      `${empty} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`,
    );
    await expect(ExperimentResult.fromRunDir(nodePath.join(root, 'does-not-exist'))).rejects.toThrow(
      RunDirNotFoundError,
    );
  });

  it('a run directory of contract major 2 is refused before its fields are judged', async () => {
    const run = await freshRunDir('major2');
    const markerFile = nodePath.join(run.runDir, '_rundir.json');
    const marker = JSON.parse(await fs.readFile(markerFile, 'utf8'));
    // A future major may rename fields; the version message must win over a schema complaint.
    await fs.writeFile(markerFile, JSON.stringify({ ...marker, contract_version: '2.0.0', renamed_field: true }));
    const open = ExperimentResult.fromRunDir(run.runDir);
    await expect(open).rejects.toThrow(UnsupportedContractVersionError);
    await expect(open).rejects.toThrow(/_rundir\.json: contract version 2\.0\.0 \(major 2\) is not supported/);
  });

  it('a damaged marker is a schema error naming the field', async () => {
    const run = await freshRunDir('badmarker');
    const markerFile = nodePath.join(run.runDir, '_rundir.json');
    const marker = JSON.parse(await fs.readFile(markerFile, 'utf8'));
    await fs.writeFile(markerFile, JSON.stringify({ ...marker, run_id: 42 }));
    await expect(ExperimentResult.fromRunDir(run.runDir)).rejects.toThrow(
      /_rundir\.json: field "run_id": expected string, found number 42/,
    );
  });
});
