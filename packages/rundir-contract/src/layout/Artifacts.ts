import type { StageName } from './RunLayout.js';

export type ArtifactFormat = 'json' | 'yaml' | 'parquet' | 'csv' | 'zarr' | 'text' | 'html' | 'svg';

/**
 * Where the artifact lives and what varies in its path. `features`: under features_dir, shared by runs; `input`: a
 * source file named in the config (outside any run directory), written by `commodity-hindcast data import`.
 */
export type ArtifactScope = 'run' | 'fold' | 'mode' | 'slice' | 'features' | 'input';

export interface ArtifactDeclaration {
  /** Stable id, e.g. `walk_forward_preds`; the schema registry uses the same ids. */
  id: string;
  /** Path pattern under the run directory (under features_dir for scope `features`; the config field for `input`). */
  pattern: string;
  format: ArtifactFormat;
  scope: ArtifactScope;
  /** The stage that writes it; `import` for input data (`commodity-hindcast data import …`), which no stage writes. */
  writtenBy: StageName | 'import';
  readBy: readonly StageName[];
  /** Required for the run directory to be complete once `writtenBy` has run (false: optional). */
  required: boolean;
  description: string;
}

/**
 * The machine-readable table of rundir-layout.md: every artifact, who writes it and who reads it.
 * Stage packages declare their reads and writes by these ids; the validator classifies files with `matchArtifact`.
 */
export const ARTIFACTS: readonly ArtifactDeclaration[] = [
  {
    id: 'rundir',
    pattern: '_rundir.json',
    format: 'json',
    scope: 'run',
    writtenBy: 'create',
    readBy: ['features', 'fit', 'predict', 'postprocess', 'evaluate', 'deliver', 'forecast'],
    required: true,
    description: 'contract version, run id, experiment key, creation time and creator',
  },
  {
    id: 'config_resolved',
    pattern: 'config_resolved.yaml',
    format: 'yaml',
    scope: 'run',
    writtenBy: 'create',
    readBy: ['features', 'fit', 'predict', 'postprocess', 'evaluate', 'deliver', 'forecast'],
    required: true,
    description: 'the fully resolved experiment configuration; never overwritten',
  },
  {
    id: 'config_train',
    pattern: 'config_train.yaml',
    format: 'yaml',
    scope: 'run',
    writtenBy: 'create',
    readBy: ['fit'],
    required: false,
    description: 'settings of a resumed run that differ from config_resolved.yaml',
  },
  {
    id: 'included_geo_identifiers',
    pattern: 'included_geo_identifiers.txt',
    format: 'text',
    scope: 'run',
    writtenBy: 'fit',
    readBy: ['predict', 'postprocess', 'deliver'],
    required: true,
    description: 'sorted ADM2 geo identifiers of the modelled universe',
  },
  {
    id: 'detrender',
    pattern: 'models/{key}/{fold}/detrender.json',
    format: 'json',
    scope: 'fold',
    writtenBy: 'fit',
    readBy: ['fit', 'predict'],
    required: true,
    description: 'detrender kind, parameters and fitted coefficients per group',
  },
  {
    id: 'feature_fill_values',
    pattern: 'models/{key}/{fold}/feature_fill_values.parquet',
    format: 'parquet',
    scope: 'fold',
    writtenBy: 'fit',
    readBy: ['predict'],
    required: true,
    description: 'per-feature imputation values from the fold training rows',
  },
  {
    id: 'model',
    pattern: 'models/{key}/{fold}/model.json',
    format: 'json',
    scope: 'fold',
    writtenBy: 'fit',
    readBy: ['predict'],
    required: true,
    description: 'regressor kind, feature order, preprocessing, coefficients or trees',
  },
  {
    id: 'train_preds',
    pattern: 'preds/{key}/{fold}/train_preds.parquet',
    format: 'parquet',
    scope: 'fold',
    writtenBy: 'fit',
    readBy: ['postprocess', 'evaluate'],
    required: true,
    description: 'in-sample predictions for the training rows',
  },
  {
    id: 'walk_forward_preds',
    pattern: 'preds/{key}/{fold}/walk_forward_preds.parquet',
    format: 'parquet',
    scope: 'fold',
    writtenBy: 'predict',
    readBy: ['postprocess', 'evaluate', 'deliver'],
    required: true,
    description: 'out-of-sample predictions for the test year at every init date (numeric folds)',
  },
  {
    id: 'year_data',
    pattern: 'preds/{key}/{fold}/year_data.parquet',
    format: 'parquet',
    scope: 'fold',
    writtenBy: 'predict',
    readBy: ['evaluate'],
    required: true,
    description: 'filled feature rows the test year was predicted from',
  },
  {
    id: 'conformal',
    pattern: 'conformal/{mode}.parquet',
    format: 'parquet',
    scope: 'mode',
    writtenBy: 'postprocess',
    readBy: ['postprocess', 'deliver', 'evaluate', 'forecast'],
    required: true,
    description: 'conformal half-widths per residual mode, ADM level, scope, key and level',
  },
  {
    id: 'bias_corrector',
    pattern: 'postprocessed/{key}/{fold}/bias_corrector.json',
    format: 'json',
    scope: 'fold',
    writtenBy: 'postprocess',
    readBy: ['postprocess', 'evaluate', 'deliver', 'forecast'],
    required: true,
    description: "bias correction per fold (the production fold's is used by forecasts)",
  },
  {
    id: 'national',
    pattern: 'postprocessed/national.parquet',
    format: 'parquet',
    scope: 'run',
    writtenBy: 'postprocess',
    readBy: ['evaluate', 'deliver'],
    required: true,
    description: 'ADM0 series per (year, init_date) with bias correction and interval bounds',
  },
  {
    id: 'raw_fold_metrics',
    pattern: 'metrics/raw_fold_metrics.json',
    format: 'json',
    scope: 'run',
    writtenBy: 'evaluate',
    readBy: [],
    required: true,
    description: 'per fold and init date errors, skill, coverage and width',
  },
  {
    id: 'metrics_table',
    pattern: 'reports/metrics_table.csv',
    format: 'csv',
    scope: 'run',
    writtenBy: 'evaluate',
    readBy: [],
    required: true,
    description: 'metrics summary table',
  },
  {
    id: 'report',
    pattern: 'reports/report.html',
    format: 'html',
    scope: 'run',
    writtenBy: 'evaluate',
    readBy: [],
    required: true,
    description: 'self-contained report with inline charts',
  },
  {
    id: 'report_chart',
    pattern: 'reports/{name}.svg',
    format: 'svg',
    scope: 'run',
    writtenBy: 'evaluate',
    readBy: [],
    required: false,
    description: 'chart images',
  },
  {
    id: 'hindcast_delivery',
    pattern: 'delivery/Treefera_{key}_ADM{level}_Hindcast_{yyyymmdd}.csv',
    format: 'csv',
    scope: 'run',
    writtenBy: 'deliver',
    readBy: [],
    required: true,
    description: 'client CSV per ADM level',
  },
  {
    id: 'forecast_indices',
    pattern: 'forecast/{sy}/{init}/indices.zarr',
    format: 'zarr',
    scope: 'slice',
    writtenBy: 'forecast',
    readBy: ['features'],
    required: true,
    description: 'observed indices up to init - lag_days, then climatology to harvest',
  },
  {
    id: 'forecast_features_pred',
    pattern: 'forecast/{sy}/{init}/features/pred.parquet',
    format: 'parquet',
    scope: 'slice',
    writtenBy: 'features',
    readBy: ['predict'],
    required: true,
    description: 'feature rows of the season at the init date',
  },
  {
    id: 'forecast_preds',
    pattern: 'forecast/{sy}/{init}/preds/walk_forward_preds.parquet',
    format: 'parquet',
    scope: 'slice',
    writtenBy: 'predict',
    readBy: ['postprocess', 'deliver'],
    required: true,
    description: 'production-model predictions per county',
  },
  {
    id: 'forecast_year_data',
    pattern: 'forecast/{sy}/{init}/preds/year_data.parquet',
    format: 'parquet',
    scope: 'slice',
    writtenBy: 'predict',
    readBy: [],
    required: true,
    description: 'filled feature rows of the slice',
  },
  {
    id: 'forecast_national',
    pattern: 'forecast/{sy}/{init}/postprocessed/national.parquet',
    format: 'parquet',
    scope: 'slice',
    writtenBy: 'postprocess',
    readBy: ['deliver'],
    required: true,
    description: 'ADM0 with interval bounds from forecast.residual_mode',
  },
  {
    id: 'forecast_delivery',
    pattern: 'forecast/{sy}/{init}/delivery/Treefera_{key}_ADM{level}_Forecast_{init}.csv',
    format: 'csv',
    scope: 'slice',
    writtenBy: 'deliver',
    readBy: [],
    required: true,
    description: 'client CSV per ADM level for the slice',
  },
  {
    id: 'manifest',
    pattern: '_manifests/{manifest}.json',
    format: 'json',
    scope: 'run',
    writtenBy: 'create',
    readBy: [],
    required: true,
    description: 'stage manifests (each stage writes its own, last)',
  },
  {
    id: 'features_fit',
    pattern: '{key}/fit.parquet',
    format: 'parquet',
    scope: 'features',
    writtenBy: 'features',
    readBy: ['fit'],
    required: true,
    description: 'one row per (geo, year) at the harvest init date with a known target',
  },
  {
    id: 'features_pred',
    pattern: '{key}/pred.parquet',
    format: 'parquet',
    scope: 'features',
    writtenBy: 'features',
    readBy: ['predict'],
    required: true,
    description: 'every (geo, year, init_date) feature row',
  },
  {
    id: 'features_metadata',
    pattern: '{key}/metadata.json',
    format: 'json',
    scope: 'features',
    writtenBy: 'features',
    readBy: ['features', 'fit', 'predict'],
    required: true,
    description:
      'feature order, builders, digest of inputs and config (FEATURES reads it in forecast mode for the column list)',
  },
  {
    id: 'yield_table',
    pattern: '{builders.<yields>.filepath}',
    format: 'parquet',
    scope: 'input',
    writtenBy: 'import',
    readBy: ['fit', 'postprocess', 'deliver'],
    required: true,
    description:
      "the yields builder's table: FIT fits trends on the yield history before each test year, POSTPROCESS reads excluded-county yields (coverage bias), DELIVER all-county actuals",
  },
];

const PLACEHOLDER: Record<string, string> = {
  key: '[a-z][a-z0-9]*(?:_[a-z0-9]+)+',
  fold: '(?:\\d{4}|production)',
  mode: '(?:hindcast_oos_per_init_date|hindcast_oos_per_year|hindcast_oos_fully_pooled|in_sample_pooled)',
  level: '[012]',
  yyyymmdd: '\\d{8}',
  sy: '\\d{4}',
  init: '\\d{4}-\\d{2}-\\d{2}',
  name: '[^/]+',
  manifest: '[a-z]+(?:/[^]+)?',
};

function patternRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{(\w+)\}/g, (_, name: string) => `(${PLACEHOLDER[name] ?? '[^/]+'})`)}$`);
}

// Only artifacts inside a run directory classify its files; features_dir and input files live elsewhere.
const RUN_MATCHERS = ARTIFACTS.filter((a) => a.scope !== 'features' && a.scope !== 'input').map((a) => ({
  artifact: a,
  regex: patternRegex(a.pattern),
  zarr: a.format === 'zarr' ? new RegExp(`${patternRegex(a.pattern).source.slice(0, -1)}/`) : undefined,
}));

export function artifactById(id: string): ArtifactDeclaration {
  const found = ARTIFACTS.find((a) => a.id === id);
  if (!found) throw new Error(`no artifact declared with id ${JSON.stringify(id)}`);
  return found;
}

/** Classifies a path relative to the run directory (a file of a Zarr store classifies as its store). */
export function matchArtifact(relativePath: string): ArtifactDeclaration | undefined {
  for (const m of RUN_MATCHERS) {
    if (m.regex.test(relativePath) || m.zarr?.test(relativePath)) return m.artifact;
  }
  return undefined;
}

/** Artifacts a stage writes, and artifacts it reads. */
export function stageWrites(stage: StageName): ArtifactDeclaration[] {
  return ARTIFACTS.filter((a) => a.writtenBy === stage);
}
export function stageReads(stage: StageName): ArtifactDeclaration[] {
  return ARTIFACTS.filter((a) => a.readBy.includes(stage));
}
