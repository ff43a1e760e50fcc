import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calendarFromConfig, hindcastInitDoys } from '@commodity-hindcast/rundir-contract/domain';
import { readJson, writeJson, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitPath, featuresMetadataPath, featuresPredPath } from '@commodity-hindcast/rundir-contract/layout';
import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import {
  joinLocation,
  locationName,
  parentLocation,
  type Location,
} from '@commodity-hindcast/rundir-contract/location';
import {
  FeatureMetadataSchema,
  featuresFitSchema,
  featuresPredSchema,
  type FeatureMetadata,
} from '@commodity-hindcast/rundir-contract/schemas';
import {
  removeStaleTemporaries,
  STALE_AFTER_MS,
  storeFor,
  writeStaged,
  type Store,
} from '@commodity-hindcast/rundir-contract/store';
import { verifyFeatureTables } from '@commodity-hindcast/rundir-contract/validate';
import { loadBuilders } from './builders/LoadBuilders.js';
import { yieldRowsInYears } from './builders/YieldTable.js';
import { selectFeatureColumns } from './compute/FeatureColumns.js';
import { assertRowsJoined } from './compute/JoinDiagnosis.js';
import { dropAllMissingColumns, fitFrame, joinFeatures, predFrame } from './compute/FeatureTable.js';
import { hindcastSeasonInits } from './compute/SeasonInits.js';
import { AUXILIARY_COLUMNS } from './compute/YieldRows.js';
import { assertInputsUnchanged, digestBuilderInputs, featuresDigest } from './FeatureDigest.js';
import { FeaturesError } from './FeaturesError.js';
import { STAGE_PACKAGE_ID } from './PackageInfo.js';

export interface BuildFeaturesOptions {
  /** Rebuild even when the digest of inputs and config is unchanged. */
  force?: boolean;
  /** The clock for `created_at` (tests). */
  now?: () => Date;
  /** The store to write the tables and metadata through (default: features_dir's); tests pass a recording or failing one. */
  store?: Store;
}

export interface FeatureTablePaths {
  fit: Location;
  pred: Location;
  metadata: Location;
}

export interface BuildFeaturesSummary {
  /** True when the tables were already built from the same inputs and config (nothing was written). */
  skipped: boolean;
  digest: string;
  rows: { fit: number; pred: number };
  /** Feature columns, in table order. */
  features: string[];
  /** All-missing columns that were dropped. */
  dropped: string[];
  /** Season years with feature rows. */
  years: number[];
  paths: FeatureTablePaths;
}

/** Where the feature tables of an experiment live: `<features_dir>/<experiment_key>/…`. */
export function featureTablePaths(config: ResolvedConfig): FeatureTablePaths {
  const key = config.experiment_key;
  return {
    fit: joinLocation(config.features_dir, featuresFitPath(key)),
    pred: joinLocation(config.features_dir, featuresPredPath(key)),
    metadata: joinLocation(config.features_dir, featuresMetadataPath(key)),
  };
}

/**
 * The FEATURES stage (pipeline.md → FEATURES), hindcast mode: digests the builder inputs (a missing one fails
 * first) and skips when the tables were built from the same digest and still match the checksums in their
 * metadata; otherwise reads and checks every input, then computes, then writes fit.parquet, pred.parquet and
 * metadata.json (with the tables' size and sha256 as written) into a staging folder published whole — so metadata
 * vouches for the very tables beside it, even when two builds run at once.
 */
export async function buildFeatures(
  config: ResolvedConfig,
  options: BuildFeaturesOptions = {},
): Promise<BuildFeaturesSummary> {
  const calendar = calendarFromConfig(config.commodity);
  const paths = featureTablePaths(config);
  // What an interrupted build left beside the tables (a killed writer's staging folder) goes first, built or not.
  await removeStaleTemporaries(parentLocation(parentLocation(paths.metadata)), {
    olderThan: STALE_AFTER_MS,
    recursive: false,
    ...(options.store ? { store: options.store } : {}),
  });
  const inputs = await digestBuilderInputs(config.builders);
  const digest = featuresDigest(config, inputs, STAGE_PACKAGE_ID);

  if (!options.force) {
    const previous = await builtMetadata(paths, config, digest);
    if (previous) {
      return {
        skipped: true,
        digest,
        rows: { fit: previous.n_fit_rows, pred: previous.n_pred_rows },
        features: previous.feature_columns,
        dropped: previous.dropped_columns,
        years: previous.years,
        paths,
      };
    }
  }

  // Every input is read and checked before any feature is computed.
  const loaded = await loadBuilders(config, calendar, { mode: 'hindcast' });
  // The digest recorded in metadata.json must be that of the bytes computed from: an input replaced between the
  // digest and the reads (another import writing it) is refused rather than recorded under the old digest.
  assertInputsUnchanged(inputs, await digestBuilderInputs(config.builders));
  const selection = selectFeatureColumns(loaded.blocks, config.feature_cols);
  const rows = yieldRowsInYears(loaded.yields, config.feature_start_year, config.feature_end_year);
  assertRowsJoined(rows, loaded.blocks, loaded.yieldsBuilder);

  const joined = joinFeatures({
    rows,
    blocks: loaded.blocks,
    selection,
    inits: (year) => hindcastSeasonInits(calendar, year),
  });
  const { table, dropped } = dropAllMissingColumns(joined, selection);
  const fit = fitFrame(table);
  const pred = predFrame(table);
  const years = [...new Set(table.year)].sort((a, b) => a - b);
  const features = table.features.map((column) => column.name);

  // The three files are written into a private staging folder and published together (StagedDirectory): a
  // concurrent build publishes whole before or after this one, never between its files. The checksums in
  // metadata.json are those of the bytes written, never of a file read back; they vouch for the two tables, which
  // therefore skip the flush to disk (durable: false) that metadata.json, written after them, still gets.
  const store = options.store ?? storeFor(paths.metadata);
  await writeStaged(
    parentLocation(paths.metadata),
    async (staging) => {
      const fitFile = await writeParquet(staging.path(locationName(paths.fit)), fit, featuresFitSchema, {
        store,
        durable: false,
      });
      const predFile = await writeParquet(staging.path(locationName(paths.pred)), pred, featuresPredSchema, {
        store,
        durable: false,
      });
      const metadata: FeatureMetadata = {
        experiment_key: config.experiment_key,
        feature_columns: features,
        auxiliary_columns: [...AUXILIARY_COLUMNS],
        builders: Object.fromEntries(
          Object.entries(config.builders).map(([name, builder]) => [
            name,
            {
              kind: builder.kind,
              filepath: builder.filepath,
              columns:
                builder.kind === 'yields'
                  ? ['yield_kg_ha', ...AUXILIARY_COLUMNS]
                  : features.filter((c) => selection.builderOf.get(c) === name),
            },
          ]),
        ),
        years,
        init_season_doys: hindcastInitDoys(calendar),
        digest,
        n_fit_rows: fit.numRows,
        n_pred_rows: pred.numRows,
        dropped_columns: dropped,
        tables: {
          fit: { file: 'fit.parquet', size: fitFile.size, sha256: fitFile.sha256, rows: fit.numRows },
          pred: { file: 'pred.parquet', size: predFile.size, sha256: predFile.sha256, rows: pred.numRows },
        },
        created_at: (options.now?.() ?? new Date()).toISOString(),
        created_by: STAGE_PACKAGE_ID,
      };
      await writeJson(staging.path(locationName(paths.metadata)), metadata, FeatureMetadataSchema, { store });
    },
    { store, commitFiles: [locationName(paths.metadata)] },
  );
  return { skipped: false, digest, rows: { fit: fit.numRows, pred: pred.numRows }, features, dropped, years, paths };
}

/**
 * The metadata of tables built from `digest`, when both tables are still the ones it lists (size and sha256);
 * otherwise undefined (rebuild). Absent, unreadable or old-format metadata (no `tables`) and an edited or
 * deleted table all mean rebuild.
 */
async function builtMetadata(
  paths: FeatureTablePaths,
  config: ResolvedConfig,
  digest: string,
): Promise<FeatureMetadata | undefined> {
  try {
    // The digest first: when it differs, the tables are rebuilt anyway and need not be read and hashed.
    if ((await readJson(paths.metadata, FeatureMetadataSchema)).digest !== digest) return undefined;
    return await verifyFeatureTables(config.features_dir, config.experiment_key);
  } catch (error) {
    // The contract's read and check errors mean rebuild; the stage's own errors (FeaturesError, also a
    // ContractError) are real failures.
    if (error instanceof ContractError && !(error instanceof FeaturesError)) return undefined;
    throw error;
  }
}
