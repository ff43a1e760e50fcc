import { calendarFromConfig, calibrationKey, isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import {
  configTrainPath,
  forecastNationalPath,
  forecastScope,
  manifestPath,
  runPath,
  type SliceRef,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { beginStage, InputRecorder, stageUpToDate, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { preflight, writeArtifactTable } from '@commodity-hindcast/rundir-contract/validate';
import { nationalSeries } from './compute/NationalSeries.js';
import { predictionColumns } from './compute/PredictionColumns.js';
import { STAGE_PACKAGE } from './PackageInfo.js';
import type { ForecastPostprocessResult, PostprocessRunOptions } from './PostprocessStage.js';
import { PostprocessError } from './PostprocessError.js';

/**
 * POSTPROCESS for one forecast slice: the production model's county predictions aggregated to the national value,
 * corrected by the production bias corrector, with bands from `forecast.residual_mode` at the init date's
 * calibration key (off the grid: the last grid day on or before it). Writes only under `forecast/<sy>/<init>/`.
 */
export async function postprocessForecast(
  options: PostprocessRunOptions & { mode: 'forecast' },
): Promise<ForecastPostprocessResult> {
  const runDir = normalizeLocation(options.runDir);
  const slice: SliceRef = { seasonYear: options.seasonYear, initDate: options.initDate };
  const scope = forecastScope(slice); // validates the season year and init date before they reach a path
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const store = storeOf(runDir);
  const relative = forecastNationalPath(slice);
  const national = runPath(runDir, relative);
  const manifest = runPath(runDir, manifestPath('postprocess', scope));

  const preflightInputs = (await preflight(runDir, 'postprocess', { slice, store })).map((i) => i.location);
  const result = await ExperimentResult.fromRunDir(runDir, { store });
  // A resumed run's config_train.yaml changes what the stage computes, so it is an input like the others.
  const inputs = [
    ...preflightInputs,
    ...(result.files.includes(configTrainPath()) ? [runPath(runDir, configTrainPath())] : []),
  ];
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'postprocess', scope, inputs, { package: STAGE_PACKAGE, expected: [relative], store }))
  ) {
    return { mode: 'forecast', skipped: true, national, manifest, warnings: [] };
  }
  const config = await result.effectiveConfig();
  const residualMode = config.forecast?.residual_mode;
  if (!residualMode)
    throw new PostprocessError(
      `${runDir}/config_resolved.yaml: the config has no forecast.residual_mode; add forecast: {residual_mode: <one of postprocess.conformalise>}`,
    );
  const calendar = calendarFromConfig(config.commodity);
  const initDay = isoToEpochDay(options.initDate, '--init-date');
  // The key first: an init date before the first grid day has no calibration, and that is worth failing early.
  const key = calibrationKey(residualMode, {
    calendar,
    initDate: initDay,
    seasonYear: slice.seasonYear,
    foldOrTestYear: 'production',
  });

  const { startedAt } = await beginStage(runDir, 'postprocess', scope, {
    store,
    ...(options.now ? { now: options.now } : {}),
  });
  const recorder = new InputRecorder();
  for (const location of inputs) await recorder.recordLocation(location, storeOf(location));

  const universe = new Set(await result.includedGeoIdentifiers());
  const corrector = await result.hindcastSlice('production').readBiasCorrector();
  const calibration = result.calibration(residualMode);
  const forecastSlice = result.forecastSlice(slice);
  const preds = await forecastSlice.readPreds();
  const frame = nationalSeries(
    [
      {
        preds: predictionColumns(preds),
        fold: 'production',
        bias: corrector.bias_kg_ha,
        keyOf: () => key,
        source: forecastSlice.locations.preds,
      },
    ],
    {
      universe,
      adm0: `ADM0:${config.commodity.country_code}`,
      calibration: await calibration.read(),
      method: config.postprocess.conformal_method,
      levels: config.delivery.ci_levels,
      calibrationSource: calibration.location,
    },
  );
  await writeArtifactTable(national, 'forecast_national', frame, {
    store,
    context: { config, slice, includedGeos: universe },
  });
  await writeManifest({
    runDir,
    stage: 'postprocess',
    scope,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: [relative],
    inputDigests: recorder.inputs,
    store,
  });
  const infinite = [...config.delivery.ci_levels]
    .sort((a, b) => a - b)
    .filter((level) => {
      const upper = frame.columns[`upper_${Math.round(100 * level)}_kg_ha`] as Float64Array;
      return upper.some((v) => v === Number.POSITIVE_INFINITY);
    });
  const warnings =
    infinite.length > 0
      ? [
          `${residualMode} key ${key}: no finite ADM0 band at level(s) ${infinite.join(', ')} (too few residuals); the bounds are ±Infinity`,
        ]
      : [];
  return { mode: 'forecast', skipped: false, national, manifest, residualMode, calibrationKey: key, warnings };
}
