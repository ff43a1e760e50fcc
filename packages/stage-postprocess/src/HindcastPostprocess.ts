import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calendarFromConfig, calibrationKey } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  biasCorrectorPath,
  configTrainPath,
  conformalPath,
  manifestPath,
  nationalPath,
  runPath,
  type ResidualMode,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { beginStage, InputRecorder, stageUpToDate, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { yieldTableSchema, type BiasCorrector } from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { preflight, writeArtifactDocument, writeArtifactTable } from '@commodity-hindcast/rundir-contract/validate';
import { coverageCorrector, coverageYears, noneCorrector, type YieldTableColumns } from './compute/BiasCorrection.js';
import { calibrationFrame, calibrationGroups, calibrationRows, type CalibrationRow } from './compute/Calibration.js';
import { nationalSeries } from './compute/NationalSeries.js';
import { predictionColumns, type Measure } from './compute/PredictionColumns.js';
import { foldResiduals, type Residual } from './compute/Residuals.js';
import type { GeoColumns } from '@commodity-hindcast/rundir-contract/domain';
import { STAGE_PACKAGE } from './PackageInfo.js';
import type { CalibrationSummary, HindcastPostprocessResult, PostprocessRunOptions } from './PostprocessStage.js';
import { PostprocessError } from './PostprocessError.js';

const CLI = 'commodity-hindcast';

/**
 * POSTPROCESS over the hindcast: load the trusted inputs (preflight names the command for any missing one), bias
 * correctors per fold, residuals at ADM0/1/2, one calibration sidecar per residual mode, the national series with
 * bands from the primary mode, then the manifest.
 */
export async function postprocessHindcast(
  options: PostprocessRunOptions & { mode: 'hindcast' },
): Promise<HindcastPostprocessResult> {
  const runDir = normalizeLocation(options.runDir);
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const store = storeOf(runDir);
  const inputs = await preflight(runDir, 'postprocess', { store });
  const result = await ExperimentResult.fromRunDir(runDir, { store });
  const config = await result.effectiveConfig();
  const key = config.experiment_key;
  const testYears = [...config.experiment_protocol.test_years].sort((a, b) => a - b);
  const folds = [...testYears.map(String), 'production'];
  const modes = config.postprocess.conformalise;
  const expected = [...modes.map(conformalPath), ...folds.map((f) => biasCorrectorPath(key, f)), nationalPath()];
  const national = runPath(runDir, nationalPath());
  const manifest = runPath(runDir, manifestPath('postprocess', null));
  const empty = { mode: 'hindcast' as const, national, manifest, biasCorrectors: [], warnings: [] };

  // A resumed run's config_train.yaml changes what the stage computes, so it is an input like the others.
  const inputLocations = [
    ...inputs.map((i) => i.location),
    ...(result.files.includes(configTrainPath()) ? [runPath(runDir, configTrainPath())] : []),
  ];
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'postprocess', null, inputLocations, { package: STAGE_PACKAGE, expected, store }))
  ) {
    // Up to date: the summary comes from the files the manifest vouches for, as a full run would report it.
    const calibrations: CalibrationSummary[] = [];
    for (const mode of modes)
      calibrations.push(summarise(mode, (await result.calibration(mode).read()) as CalibrationRow[], config));
    const biasCorrectors = [];
    for (const fold of folds) {
      const c = await result.hindcastSlice(fold).readBiasCorrector();
      biasCorrectors.push({ fold, kind: c.kind, biasKgHa: c.bias_kg_ha, yearsUsed: c.years_used });
    }
    return { ...empty, skipped: true, calibrations, biasCorrectors };
  }

  // From here the old POSTPROCESS output no longer counts: a crash leaves nothing complete-looking.
  const { startedAt } = await beginStage(runDir, 'postprocess', null, {
    store,
    ...(options.now ? { now: options.now } : {}),
  });
  const recorder = new InputRecorder();
  for (const location of inputLocations) await recorder.recordLocation(location, storeOf(location));

  const universe = new Set(await result.includedGeoIdentifiers());
  const calendar = calendarFromConfig(config.commodity);
  const warnings: string[] = [];

  // Walk-forward predictions of every test year: every fold must have them.
  const walkForward = new Map<number, GeoColumns<Measure>>();
  for (const year of testYears) {
    const slice = result.hindcastSlice(year);
    const frame = await slice.readWalkForwardPreds();
    const years = new Set(Array.from(frame.columns.year as ArrayLike<number>));
    if (frame.numRows === 0 || years.size !== 1 || !years.has(year)) {
      throw new PostprocessError(
        `${slice.locations.walkForwardPreds}: expected the walk-forward predictions of test year ${year}, found ${frame.numRows === 0 ? 'no rows' : `rows of year(s) ${[...years].join(', ')}`}; rerun '${CLI} run hindcast --run-dir ${runDir}' (it runs PREDICT for every fold)`,
      );
    }
    walkForward.set(year, predictionColumns(frame));
  }

  const correctors = await biasCorrectors(config, folds, universe, storeOf, recorder, warnings);
  const oos: Residual[] = testYears.flatMap((year) =>
    foldResiduals(
      walkForward.get(year) as GeoColumns<Measure>,
      universe,
      String(year),
      (correctors.get(String(year)) as BiasCorrector).bias_kg_ha,
    ),
  );
  let inSample: Residual[] | undefined;
  const residualsOf = async (mode: ResidualMode): Promise<Residual[]> => {
    if (mode !== 'in_sample_pooled') return oos;
    inSample ??= foldResiduals(
      predictionColumns(await result.hindcastSlice('production').readTrainPreds()),
      universe,
      'production',
      0,
    );
    return inSample;
  };

  const calibrations: CalibrationSummary[] = [];
  const rowsByMode = new Map<ResidualMode, CalibrationRow[]>();
  for (const mode of modes) {
    const rows = calibrationRows(mode, calibrationGroups(mode, await residualsOf(mode), { calendar, testYears }));
    rowsByMode.set(mode, rows);
    await writeArtifactTable(runPath(runDir, conformalPath(mode)), 'conformal', calibrationFrame(rows), {
      store,
      context: { config, mode },
    });
    calibrations.push(summarise(mode, rows, config));
  }
  for (const fold of folds) {
    await writeArtifactDocument(runPath(runDir, biasCorrectorPath(key, fold)), 'bias_corrector', correctors.get(fold), {
      store,
      context: { config, fold },
    });
  }

  const primary = modes[0] as ResidualMode;
  const frame = nationalSeries(
    testYears.map((year) => ({
      preds: walkForward.get(year) as GeoColumns<Measure>,
      fold: String(year),
      bias: (correctors.get(String(year)) as BiasCorrector).bias_kg_ha,
      keyOf: (seasonYear: number, initDate: number) =>
        calibrationKey(primary, { calendar, initDate, seasonYear, foldOrTestYear: year }),
      source: result.hindcastSlice(year).locations.walkForwardPreds,
    })),
    {
      universe,
      adm0: `ADM0:${config.commodity.country_code}`,
      calibration: rowsByMode.get(primary) as CalibrationRow[],
      method: config.postprocess.conformal_method,
      levels: config.delivery.ci_levels,
      calibrationSource: runPath(runDir, conformalPath(primary)),
    },
  );
  await writeArtifactTable(national, 'national', frame, { store, context: { config, includedGeos: universe } });

  await writeManifest({
    runDir,
    stage: 'postprocess',
    scope: null,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: expected,
    inputDigests: recorder.inputs,
    store,
  });
  return {
    ...empty,
    skipped: false,
    calibrations,
    biasCorrectors: folds.map((fold) => {
      const c = correctors.get(fold) as BiasCorrector;
      return { fold, kind: c.kind, biasKgHa: c.bias_kg_ha, yearsUsed: c.years_used };
    }),
    warnings,
  };
}

/** The bias corrector of every fold (test years and production) as `postprocess.bias_corrector` configures it. */
async function biasCorrectors(
  config: ResolvedConfig,
  folds: readonly string[],
  universe: ReadonlySet<string>,
  storeOf: (location: Location) => Store,
  recorder: InputRecorder,
  warnings: string[],
): Promise<Map<string, BiasCorrector>> {
  const { kind, n_lookback_years: lookback } = config.postprocess.bias_corrector;
  if (kind === 'none') return new Map(folds.map((fold) => [fold, noneCorrector(lookback)]));
  const builder = Object.entries(config.builders).find(([, b]) => b.kind === 'yields');
  if (!builder) {
    throw new PostprocessError(
      `postprocess.bias_corrector.kind: coverage needs the yield table of a yields builder (excluded counties' yields), but builders has none; add one or set kind: none`,
    );
  }
  const [name, { filepath }] = builder as [string, { filepath: string }];
  const frame = await readParquet(filepath, yieldTableSchema, { store: recorder.wrap(storeOf(filepath)) });
  const years = coverageYears(frame.columns as unknown as YieldTableColumns, universe, config.commodity.country_code);
  const out = new Map<string, BiasCorrector>();
  for (const fold of folds) {
    const before = fold === 'production' ? config.feature_end_year + 1 : Number(fold);
    const corrector = coverageCorrector(years, before, lookback);
    if (corrector.years_used.length === 0) {
      warnings.push(
        `fold ${fold}: builders.${name}.filepath (${filepath}) has no year before ${before} with yields of both modelled and excluded counties; the coverage bias is 0`,
      );
    }
    out.set(fold, corrector);
  }
  return out;
}

function summarise(mode: ResidualMode, rows: readonly CalibrationRow[], config: ResolvedConfig): CalibrationSummary {
  const method = config.postprocess.conformal_method;
  const levels = ['ADM0', 'ADM1', 'ADM2'].map((adm) => {
    const own = rows.filter(
      (r) =>
        r.adm_level === adm &&
        r.method === method &&
        config.delivery.ci_levels.some((l) => Math.abs(l - r.level) < 1e-9),
    );
    const counts = own.map((r) => r.n_residuals);
    return {
      adm,
      minResiduals: counts.length ? Math.min(...counts) : 0,
      maxResiduals: counts.length ? Math.max(...counts) : 0,
      infinite: own.filter((r) => r.half_width_kg_ha === Number.POSITIVE_INFINITY).length,
    };
  });
  return { mode, rows: rows.length, levels };
}
