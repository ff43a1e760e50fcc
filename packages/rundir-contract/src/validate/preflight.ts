import { parseResolvedConfig } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { ContractError, PreflightError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';
import { decodeUtf8 } from '../io/Json.js';
import { artifactById, stageReads, type ArtifactDeclaration } from '../layout/Artifacts.js';
import {
  configResolvedPath,
  featuresFitPath,
  featuresMetadataPath,
  featuresPredPath,
  foldLabel,
  forecastScope,
  initDateFolder,
  seasonYearFolder,
  type SliceRef,
  type StageName,
} from '../layout/RunLayout.js';
import { joinLocation, normalizeLocation, type Location } from '../location/Location.js';
import { readRunDirMarker } from '../result/ExperimentResult.js';
import { RunDirListing } from '../result/RunDirListing.js';
import { commandThatMakes } from '../result/StageCommand.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';

export interface PreflightOptions {
  /** The fold FIT or PREDICT works on (a test year or `production`). */
  fold?: number | string;
  /** The forecast slice, for a stage running in forecast mode. */
  slice?: SliceRef;
  store?: Store;
}

export interface PreflightInput {
  /** Artifact id in the layout's declaration table. */
  artifact: string;
  /** Full location of the input (a Zarr store is one input). */
  location: Location;
  /**
   * `manifest`: inside the run directory, listed in a manifest whose size and sha256 still match.
   * `exists`: outside it (the shared feature tables under features_dir, the input yield table), which no run
   *   manifest covers.
   */
  verifiedBy: 'manifest' | 'exists';
}

interface Needed {
  artifact: ArtifactDeclaration;
  /** Relative to the run directory, or a full location for `features` scope. */
  path: string;
  fold?: string;
}

const TEST_YEAR_ONLY = new Set(['walk_forward_preds', 'year_data']);
// FORECAST's preflight also needs the production model (pipeline.md → FORECAST), which the declaration table
// lists as read by PREDICT: the forecast stage checks for it up front so a slice fails before any compute.
const PRODUCTION_MODEL = ['detrender', 'feature_fill_values', 'model'];

function describe(stage: StageName, fold: string | undefined, slice: SliceRef | undefined): string {
  if (slice) return `${stage} (forecast slice ${slice.seasonYear}/${slice.initDate})`;
  return fold ? `${stage} (fold ${fold})` : stage;
}

/** The concrete inputs `stage` reads in this mode: the declaration table's reads, expanded over folds and modes. */
function neededInputs(
  stage: StageName,
  config: ResolvedConfig,
  fold: string | undefined,
  slice: SliceRef | undefined,
): Needed[] {
  const key = config.experiment_key;
  const out: Needed[] = [];
  const at = (artifact: ArtifactDeclaration, values: { fold?: string; mode?: string }): void => {
    const known: Record<string, string | undefined> = {
      key,
      fold: values.fold,
      mode: values.mode,
      sy: slice ? seasonYearFolder(slice.seasonYear) : undefined,
      init: slice ? initDateFolder(slice.initDate) : undefined,
    };
    const path = artifact.pattern.replace(/\{(\w+)\}/g, (whole, name: string) => known[name] ?? whole);
    out.push({ artifact, path, ...(values.fold ? { fold: values.fold } : {}) });
  };
  const reads = stageReads(stage).filter(
    (a) => a.required && !(a.writtenBy === stage && (!slice || a.scope === 'slice')),
  );
  if (stage === 'forecast') reads.push(...PRODUCTION_MODEL.map(artifactById));

  for (const artifact of reads) {
    switch (artifact.scope) {
      case 'run':
        at(artifact, {});
        break;
      case 'slice':
        if (slice) at(artifact, {});
        break;
      case 'features': {
        // In forecast mode only FEATURES reads features_dir: the hindcast metadata gives the slice its columns.
        if (slice && !(stage === 'features' && artifact.id === 'features_metadata')) break;
        const builder = {
          features_fit: featuresFitPath,
          features_pred: featuresPredPath,
          features_metadata: featuresMetadataPath,
        }[artifact.id];
        if (builder) out.push({ artifact, path: joinLocation(config.features_dir, builder(key)) });
        break;
      }
      case 'input': {
        // The hindcast reads actuals from the yield table; a forecast season has none yet.
        if (slice) break;
        for (const builder of Object.values(config.builders))
          if (builder.kind === 'yields') out.push({ artifact, path: builder.filepath });
        break;
      }
      case 'mode': {
        if (slice) {
          if (!config.forecast) {
            throw new PreflightError(
              `${describe(stage, fold, slice)}: the config has no forecast block; add forecast: {residual_mode: <one of postprocess.conformalise>} to the experiment config`,
            );
          }
          at(artifact, { mode: config.forecast.residual_mode });
        } else {
          for (const mode of config.postprocess.conformalise) at(artifact, { mode });
        }
        break;
      }
      case 'fold': {
        if (slice) {
          // In forecast mode only the production model is read, and by POSTPROCESS and FORECAST the production
          // bias corrector (forecasts are corrected by it); hindcast predictions are not.
          if (PRODUCTION_MODEL.includes(artifact.id)) at(artifact, { fold: 'production' });
          if (artifact.id === 'bias_corrector' && (stage === 'postprocess' || stage === 'forecast'))
            at(artifact, { fold: 'production' });
          break;
        }
        if (fold) {
          if (!(fold === 'production' && TEST_YEAR_ONLY.has(artifact.id))) at(artifact, { fold });
          break;
        }
        if (stage === 'fit' || stage === 'predict') {
          throw new ContractError(
            `preflight ${stage}: ${stage} works on one fold; pass { fold } (a test year or "production") or { slice }`,
          );
        }
        // POSTPROCESS reads train_preds only for in_sample_pooled, which calibrates on the production fold.
        if (stage === 'postprocess' && artifact.id === 'train_preds') {
          if (config.postprocess.conformalise.includes('in_sample_pooled')) at(artifact, { fold: 'production' });
          break;
        }
        const folds = [...config.experiment_protocol.test_years.map(String), 'production'];
        for (const f of folds) if (!(f === 'production' && TEST_YEAR_ONLY.has(artifact.id))) at(artifact, { fold: f });
        break;
      }
    }
  }
  return out;
}

/**
 * Checks, before any compute, that every input `stage` reads exists and is trusted: inside the run directory it
 * must be listed in a manifest whose recorded size and sha256 still match; the shared feature tables outside it
 * must exist. Also refuses a run directory of an unsupported contract major. Throws one PreflightError naming the
 * first missing input and the command that makes it; returns the inputs on success (e.g. for the stage's manifest).
 */
export async function preflight(
  runDirLocation: Location,
  stage: StageName,
  options: PreflightOptions = {},
): Promise<PreflightInput[]> {
  const runDir = normalizeLocation(runDirLocation);
  const store = options.store ?? storeFor(runDir);
  const fold = options.fold === undefined ? undefined : foldLabel(options.fold);
  const slice = options.slice;
  if (slice) forecastScope(slice); // validates the season year and init date before they reach any path
  const what = describe(stage, fold, slice);

  // Refuses a missing run directory or an unsupported contract major with their own typed errors.
  await readRunDirMarker(runDir, store);
  const listing = await RunDirListing.load(runDir, store);
  const configCommand = commandThatMakes(artifactById('config_resolved'), runDir);
  let config: ResolvedConfig;
  try {
    const where = listing.location(configResolvedPath());
    config = parseResolvedConfig(
      decodeUtf8(await listing.readTrusted(configResolvedPath(), configCommand), where),
      where,
    );
  } catch (error) {
    throw new PreflightError(`preflight ${what}: ${errorMessage(error)}`, { cause: error });
  }

  const inputs: PreflightInput[] = [];
  const problems: string[] = [];
  for (const need of neededInputs(stage, config, fold, slice)) {
    const command = commandThatMakes(need.artifact, runDir, {
      ...(need.fold ? { fold: need.fold } : {}),
      ...(slice ? { slice } : {}),
    });
    if (need.artifact.scope === 'features' || need.artifact.scope === 'input') {
      if (await storeFor(need.path).exists(need.path))
        inputs.push({ artifact: need.artifact.id, location: need.path, verifiedBy: 'exists' });
      else problems.push(`${need.path} is missing; make it with ${command}`);
      continue;
    }
    const location = listing.location(need.path);
    const files = listing.filesAt(need.path);
    if (files.length === 0) {
      problems.push(`${location} is missing; make it with ${command}`);
      continue;
    }
    let problem: string | undefined;
    for (const file of files) {
      const check = await listing.check(file);
      if (check.status === 'trusted') continue;
      const at = listing.location(file);
      problem =
        check.status === 'missing'
          ? `${at} is missing; make it with ${command}`
          : check.status === 'unlisted'
            ? `${at} is not listed in any manifest, so its stage did not complete; make it with ${command}`
            : `${at}: ${check.reason}: it changed after its stage completed; rerun ${command}`;
      break;
    }
    if (problem) problems.push(problem);
    else inputs.push({ artifact: need.artifact.id, location, verifiedBy: 'manifest' });
  }
  if (problems.length > 0) {
    const rest = problems.length - 1;
    const more = rest > 0 ? ` (and ${rest} more input${rest > 1 ? 's' : ''} missing or untrusted)` : '';
    throw new PreflightError(`preflight ${what}: ${problems[0]}${more}`);
  }
  return inputs;
}
