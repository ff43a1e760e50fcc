import type { StageDeclaration } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { postprocessForecast } from './ForecastPostprocess.js';
import { postprocessHindcast } from './HindcastPostprocess.js';
import { STAGE_PACKAGE } from './PackageInfo.js';

/** What POSTPROCESS reads and writes, by artifact id, in each mode. */
export const POSTPROCESS_STAGE: StageDeclaration<'hindcast' | 'forecast'> = {
  stage: 'postprocess',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: [
        'rundir',
        'config_resolved',
        'included_geo_identifiers',
        'walk_forward_preds',
        'train_preds',
        'yield_table',
      ],
      readsConfigFields: ['builders.<yields>.filepath (coverage bias corrector)'],
      writes: ['conformal', 'bias_corrector', 'national'],
      manifest: '_manifests/postprocess.json',
    },
    forecast: {
      reads: ['rundir', 'config_resolved', 'included_geo_identifiers', 'conformal', 'bias_corrector', 'forecast_preds'],
      readsConfigFields: [],
      writes: ['forecast_national'],
      manifest: '_manifests/postprocess/forecast/{sy}/{init}.json',
    },
  },
};

interface CommonOptions {
  runDir: Location;
  /** Recompute even when the manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock for the manifest (tests). */
  now?: () => Date;
}

export type PostprocessRunOptions =
  | (CommonOptions & { mode: 'hindcast' })
  | (CommonOptions & { mode: 'forecast'; seasonYear: number; initDate: string });

/** A mode's sidecar and what it holds. */
export interface CalibrationSummary {
  mode: string;
  rows: number;
  /** Per ADM level, the fewest residuals behind a key and how many (key, level) half-widths of the bands' method are infinite. */
  levels: { adm: string; minResiduals: number; maxResiduals: number; infinite: number }[];
}

export interface HindcastPostprocessResult {
  mode: 'hindcast';
  skipped: boolean;
  calibrations: CalibrationSummary[];
  national: Location;
  manifest: Location;
  /** Per fold, the bias subtracted from the national prediction. */
  biasCorrectors: { fold: string; kind: string; biasKgHa: number; yearsUsed: number[] }[];
  /** Things the user should know that did not stop the stage (e.g. a coverage corrector without a measurable year). */
  warnings: string[];
}

export interface ForecastPostprocessResult {
  mode: 'forecast';
  skipped: boolean;
  national: Location;
  manifest: Location;
  /** The residual mode and calibration key the bands came from. */
  residualMode?: string;
  calibrationKey?: string;
  warnings: string[];
}

export type PostprocessRunResult = HindcastPostprocessResult | ForecastPostprocessResult;

/**
 * POSTPROCESS (pipeline.md): in hindcast mode bias correctors per fold, conformal calibration for every mode of
 * `postprocess.conformalise` at ADM0/1/2, and the national series with bands from the primary mode; in forecast
 * mode the slice's national series with bands from `forecast.residual_mode`. Manifest last; skipped when up to date.
 */
export function run(options: PostprocessRunOptions & { mode: 'hindcast' }): Promise<HindcastPostprocessResult>;
export function run(options: PostprocessRunOptions & { mode: 'forecast' }): Promise<ForecastPostprocessResult>;
export function run(options: PostprocessRunOptions): Promise<PostprocessRunResult>;
export function run(options: PostprocessRunOptions): Promise<PostprocessRunResult> {
  return options.mode === 'forecast' ? postprocessForecast(options) : postprocessHindcast(options);
}
