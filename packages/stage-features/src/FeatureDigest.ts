import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { digestLocation, sha256Hex } from '@commodity-hindcast/rundir-contract/manifest';
import { FeaturesInputError } from './FeaturesError.js';
import { MAKE_INPUT } from './builders/BuilderInputError.js';

/** The digest of one builder input (a file, or a Zarr store file by file). */
export interface DigestedInput {
  builder: string;
  location: string;
  sha256: string;
}

/**
 * Digests every builder input, in config order. A missing input is the first error a build can meet, so it
 * is raised here, before anything is read or computed.
 */
export async function digestBuilderInputs(builders: ResolvedConfig['builders']): Promise<DigestedInput[]> {
  const out: DigestedInput[] = [];
  for (const [builder, config] of Object.entries(builders)) {
    const sha256 = await digestLocation(config.filepath);
    if (sha256 === undefined) {
      throw new FeaturesInputError(
        `builders.${builder}.filepath`,
        config.filepath,
        'no file or store there',
        `check the path (a relative filepath resolves against INPUT_DATA_DIR) or write ${MAKE_INPUT[config.kind] ?? 'the input'} there`,
      );
    }
    out.push({ builder, location: config.filepath, sha256 });
  }
  return out;
}

/**
 * Refuses inputs whose digest changed between two readings (before and after the stage read them): the stage's
 * result and the digest it records would describe different bytes. One line naming the builder field and file.
 */
export function assertInputsUnchanged(before: readonly DigestedInput[], after: readonly DigestedInput[]): void {
  for (const [i, first] of before.entries()) {
    const second = after[i];
    if (second === undefined || second.sha256 !== first.sha256) {
      throw new FeaturesInputError(
        `builders.${first.builder}.filepath`,
        first.location,
        `changed while the stage was reading it (sha256 ${first.sha256.slice(0, 12)}… then ${second ? `${second.sha256.slice(0, 12)}…` : 'gone'})`,
        'run the stage again once nothing else writes its inputs',
      );
    }
  }
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The part of the config that decides the feature tables. */
function featureConfigPart(config: ResolvedConfig): unknown {
  const c = config.commodity;
  return {
    experiment_key: config.experiment_key,
    feature_start_year: config.feature_start_year,
    feature_end_year: config.feature_end_year,
    calendar: {
      season_start: c.season_start,
      season_start_year_offset: c.season_start_year_offset,
      harvest_season_doy: c.harvest_season_doy,
      hindcast_init_season_doys: c.hindcast_init_season_doys,
      lag_days: c.lag_days,
    },
    builders: config.builders,
    feature_cols: config.feature_cols ?? null,
  };
}

/**
 * The build digest: sha256 over the input digests, the feature part of the config and this package's
 * version (so a new release of the computation rebuilds). Equal digests mean equal feature tables.
 */
export function featuresDigest(config: ResolvedConfig, inputs: readonly DigestedInput[], packageId: string): string {
  return sha256Hex(canonicalJson({ package: packageId, config: featureConfigPart(config), inputs }));
}
