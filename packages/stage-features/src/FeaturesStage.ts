import { loadConfig, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import type { StageDeclaration } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { buildFeatures, type BuildFeaturesSummary } from './buildFeatures.js';
import { buildForecastFeatures, type ForecastFeaturesSummary } from './buildForecastFeatures.js';
import { STAGE_PACKAGE } from './PackageInfo.js';

/** What FEATURES reads and writes, in the contract's terms. */
export const FEATURES_STAGE: StageDeclaration<'hindcast' | 'forecast'> = {
  stage: 'features',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: [],
      readsConfigFields: ['builders.<name>.filepath'],
      writes: ['features_fit', 'features_pred', 'features_metadata'],
      manifest: null,
      writtenLast: 'features_metadata',
    },
    forecast: {
      reads: ['rundir', 'config_resolved', 'forecast_indices', 'features_metadata'],
      readsConfigFields: ['builders.<name>.filepath (yields, static and table builders)'],
      writes: ['forecast_features_pred'],
      manifest: '_manifests/features/forecast/{sy}/{init}.json',
    },
  },
};

export type FeaturesRunOptions =
  | {
      mode: 'hindcast';
      /** A resolved config, or the path of a config file to load (with INPUT_DATA_DIR from `env`). */
      config: ResolvedConfig | string;
      env?: NodeJS.ProcessEnv;
      force?: boolean;
      /** The store to write through (default: features_dir's). */
      store?: Store;
      /** The clock for `metadata.json`'s `created_at` (default the real one; fixed for reproducible runs). */
      now?: () => Date;
    }
  | {
      mode: 'forecast';
      runDir: Location;
      seasonYear: number;
      initDate: string;
      force?: boolean;
      /** The store to write through (default: the run directory's). */
      store?: Store;
      /** The clock for the slice manifest's times (default the real one; fixed for reproducible runs). */
      now?: () => Date;
    };

export type FeaturesRunResult =
  | ({ mode: 'hindcast' } & BuildFeaturesSummary)
  | ({ mode: 'forecast' } & ForecastFeaturesSummary);

/** Runs the stage: hindcast feature tables from a config, or one forecast slice's features in a run directory. */
export async function run(options: FeaturesRunOptions): Promise<FeaturesRunResult> {
  if (options.mode === 'forecast') {
    const summary = await buildForecastFeatures({
      runDir: options.runDir,
      seasonYear: options.seasonYear,
      initDate: options.initDate,
      force: options.force ?? false,
      ...(options.store ? { store: options.store } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    return { mode: 'forecast', ...summary };
  }
  const config =
    typeof options.config === 'string'
      ? await loadConfig({ configPath: options.config, env: options.env ?? process.env })
      : options.config;
  return {
    mode: 'hindcast',
    ...(await buildFeatures(config, {
      force: options.force ?? false,
      ...(options.store ? { store: options.store } : {}),
      ...(options.now ? { now: options.now } : {}),
    })),
  };
}
