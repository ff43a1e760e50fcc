import { z } from 'zod';
import { NotFoundError, RunDirNotFoundError } from '../errors/ContractError.js';
import { parseConfigTrain } from '../config/ConfigDifference.js';
import { parseResolvedConfig } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { decodeUtf8, parseJson, validateDocument } from '../io/Json.js';
import { artifactById } from '../layout/Artifacts.js';
import { parseCsv, type ParsedCsv } from '../io/Csv.js';
import { parseGeoList } from '../io/GeoList.js';
import { decodeParquet } from '../io/Parquet.js';
import {
  RESIDUAL_MODES,
  configResolvedPath,
  configTrainPath,
  forecastScope,
  includedGeoIdentifiersPath,
  nationalPath,
  rawFoldMetricsPath,
  conformalPath,
  foldLabel,
  initDateFolder,
  rundirJsonPath,
  runPath,
  type AdmLevel,
  type ResidualMode,
  type SliceRef,
} from '../layout/RunLayout.js';
import { normalizeLocation, type Location } from '../location/Location.js';
import {
  RawFoldMetricsSchema,
  RunDirMarkerSchema,
  type RawFoldMetrics,
  type RunDirMarker,
} from '../schemas/JsonArtifacts.js';
import { nationalSchema } from '../schemas/Tables.js';
import type { Frame } from '../schemas/TableSchema.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { assertSupportedContractVersion } from '../version/ContractVersion.js';
import { CalibrationResult } from './CalibrationResult.js';
import { ForecastSlice } from './ForecastSlice.js';
import { HindcastSlice } from './HindcastSlice.js';
import { RunDirListing } from './RunDirListing.js';
import { commandThatMakes } from './StageCommand.js';
import { stageStatuses, type StageStatus } from './StageStatus.js';

/** A hindcast delivery file: `delivery/Treefera_<key>_ADM<n>_Hindcast_<YYYYMMDD>.csv`. */
export interface HindcastDelivery {
  level: AdmLevel;
  /** `YYYYMMDD`, the UTC date the delivery was generated. */
  generated: string;
  /** Relative to the run directory. */
  path: string;
  location: Location;
}

export interface FromRunDirOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
}

const CREATE_HINT = "Create one with 'commodity-hindcast run hindcast'";
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads `_rundir.json` and refuses an unsupported contract major before anything else, so a run directory of a
 * newer contract gets the version message rather than a schema error about fields it renamed.
 */
export async function readRunDirMarker(runDir: Location, store: Store): Promise<RunDirMarker> {
  const where = runPath(runDir, rundirJsonPath());
  let bytes: Uint8Array;
  try {
    bytes = await store.read(where);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new RunDirNotFoundError(`${runDir} has no _rundir.json — is this a run directory? ${CREATE_HINT}`);
    throw error;
  }
  const raw = parseJson(decodeUtf8(bytes, where), where, z.unknown());
  const version =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).contract_version : undefined;
  assertSupportedContractVersion(version, where);
  return validateDocument(where, raw, RunDirMarkerSchema);
}

/**
 * A run directory rebuilt from its location alone (RunDir.md → ExperimentResult.from_run_dir): the marker, the
 * config (read lazily, once), a HindcastSlice per fold, the production slice, a ForecastSlice per
 * (season_year, init_date) and a CalibrationResult per residual mode.
 *
 * It is a snapshot: the directory is listed once, when it is opened, and manifests are read once, on first
 * need. Open it again to see what stages wrote since.
 */
export class ExperimentResult {
  private configPromise: Promise<ResolvedConfig> | undefined;

  private constructor(
    readonly marker: RunDirMarker,
    private readonly listing: RunDirListing,
  ) {}

  /** Opens a run directory (local path or s3:// URI). Throws RunDirNotFoundError or UnsupportedContractVersionError. */
  static async fromRunDir(location: Location, options: FromRunDirOptions = {}): Promise<ExperimentResult> {
    const runDir = normalizeLocation(location);
    const store = options.store ?? storeFor(runDir);
    const marker = await readRunDirMarker(runDir, store);
    return new ExperimentResult(marker, await RunDirListing.load(runDir, store));
  }

  get runDir(): Location {
    return this.listing.runDir;
  }

  get runId(): string {
    return this.marker.run_id;
  }

  get experimentKey(): string {
    return this.marker.experiment_key;
  }

  get contractVersion(): string {
    return this.marker.contract_version;
  }

  /** Every file of the run directory when it was opened, relative POSIX paths in lexicographic order. */
  get files(): readonly string[] {
    return this.listing.paths;
  }

  /** `config_resolved.yaml`, read and validated on first call, checked against the `create` manifest. */
  config(): Promise<ResolvedConfig> {
    this.configPromise ??= (async () => {
      const relative = configResolvedPath();
      const bytes = await this.listing.readTrusted(
        relative,
        commandThatMakes(artifactById('config_resolved'), this.runDir),
      );
      const where = this.listing.location(relative);
      return parseResolvedConfig(decodeUtf8(bytes, where), where);
    })();
    return this.configPromise;
  }

  /**
   * The config the stages run with: `config_resolved.yaml`, with `config_train.yaml` applied when a resumed run
   * changed settings (both trusted under their manifests).
   */
  async effectiveConfig(): Promise<ResolvedConfig> {
    const resolved = await this.config();
    const relative = configTrainPath();
    if (!this.listing.has(relative)) return resolved;
    const where = this.listing.location(relative);
    const bytes = await this.listing.readTrusted(relative, commandThatMakes(artifactById('config_train'), this.runDir));
    return parseConfigTrain(decodeUtf8(bytes, where), resolved, where).config;
  }

  /** The test-year folds found under `models/<key>/` or `preds/<key>/`, in ascending year order. */
  hindcastSlices(): HindcastSlice[] {
    return this.folds()
      .filter((fold) => fold !== 'production')
      .map((fold) => new HindcastSlice(foldLabel(fold), this.experimentKey, this.listing));
  }

  /** The production fold, when FIT wrote anything for it. */
  productionSlice(): HindcastSlice | undefined {
    return this.folds().includes('production')
      ? new HindcastSlice('production', this.experimentKey, this.listing)
      : undefined;
  }

  /** One fold by test year or `production`; throws naming the folds present when it is not there. */
  hindcastSlice(fold: number | string): HindcastSlice {
    const label = foldLabel(fold);
    const folds = this.folds();
    if (!folds.includes(label)) {
      throw new NotFoundError(
        runPath(this.runDir, `models/${this.experimentKey}/${label}`),
        `${this.runDir} has no fold ${label} (folds present: ${folds.join(', ') || 'none'}); make it with ${commandThatMakes(artifactById('model'), this.runDir, { fold: label })}`,
      );
    }
    return new HindcastSlice(label, this.experimentKey, this.listing);
  }

  /** One slice per `forecast/<season_year>/<init_date>/` folder, ordered by season year, then init date. */
  forecastSlices(): ForecastSlice[] {
    const seen = new Map<string, SliceRef>();
    for (const path of this.listing.paths) {
      const m = /^forecast\/(\d{4})\/([^/]+)\//.exec(path);
      if (!m || !ISO_DATE.test(m[2] as string) || seen.has(`${m[1]}/${m[2]}`)) continue;
      try {
        seen.set(`${m[1]}/${m[2]}`, { seasonYear: Number(m[1]), initDate: initDateFolder(m[2] as string) });
      } catch {
        // Not a real calendar date (2024-02-30): not a slice; the validator reports the files as unknown.
      }
    }
    return [...seen.keys()].sort().map((k) => {
      const ref = seen.get(k) as SliceRef;
      return new ForecastSlice(ref.seasonYear, ref.initDate, this.experimentKey, this.listing, () => this.config());
    });
  }

  forecastSlice(ref: SliceRef): ForecastSlice {
    const found = this.forecastSlices().find((s) => s.seasonYear === ref.seasonYear && s.initDate === ref.initDate);
    if (!found) {
      const present = this.forecastSlices().map((s) => `${s.seasonYear}/${s.initDate}`);
      throw new NotFoundError(
        runPath(this.runDir, `forecast/${ref.seasonYear}/${ref.initDate}`),
        `${this.runDir} has no forecast slice ${ref.seasonYear}/${ref.initDate} (slices present: ${present.join(', ') || 'none'}); make it with ${commandThatMakes(artifactById('forecast_preds'), this.runDir, { slice: ref })}`,
      );
    }
    return found;
  }

  /** One CalibrationResult per `conformal/<residual_mode>.parquet`, in the order of RESIDUAL_MODES. */
  calibrations(): CalibrationResult[] {
    return RESIDUAL_MODES.filter((mode) => this.listing.has(conformalPath(mode))).map(
      (mode) => new CalibrationResult(mode, this.listing),
    );
  }

  /** The calibration of one residual mode; throws naming the command when its sidecar is missing. */
  calibration(mode: ResidualMode): CalibrationResult {
    const relative = conformalPath(mode);
    if (!this.listing.has(relative)) {
      const where = runPath(this.runDir, relative);
      throw new NotFoundError(
        where,
        `${where} does not exist: no calibration for residual mode ${mode}; list it in postprocess.conformalise and run ${commandThatMakes(artifactById('conformal'), this.runDir)}`,
      );
    }
    return new CalibrationResult(mode, this.listing);
  }

  /** `included_geo_identifiers.txt`: the modelled universe, trusted and checked (sorted, unique ADM2). */
  async includedGeoIdentifiers(): Promise<string[]> {
    const relative = includedGeoIdentifiersPath();
    const bytes = await this.listing.readTrusted(
      relative,
      commandThatMakes(artifactById('included_geo_identifiers'), this.runDir),
    );
    return parseGeoList(decodeUtf8(bytes, this.listing.location(relative)), this.listing.location(relative));
  }

  /** The hindcast national series, `postprocessed/national.parquet`. */
  async readNational(): Promise<Frame> {
    const relative = nationalPath();
    const bytes = await this.listing.readTrusted(relative, commandThatMakes(artifactById('national'), this.runDir));
    return decodeParquet(bytes, nationalSchema, this.listing.location(relative));
  }

  /** EVALUATE's `metrics/raw_fold_metrics.json`. */
  async readMetrics(): Promise<RawFoldMetrics> {
    const relative = rawFoldMetricsPath();
    const bytes = await this.listing.readTrusted(
      relative,
      commandThatMakes(artifactById('raw_fold_metrics'), this.runDir),
    );
    const where = this.listing.location(relative);
    return parseJson(decodeUtf8(bytes, where), where, RawFoldMetricsSchema);
  }

  /** The hindcast delivery files present, by generation date then ADM level (listed, not yet verified). */
  deliveries(): HindcastDelivery[] {
    const pattern = new RegExp(`^delivery/Treefera_${this.experimentKey}_ADM([012])_Hindcast_(\\d{8})\\.csv$`);
    const out: HindcastDelivery[] = [];
    for (const path of this.listing.paths) {
      const m = pattern.exec(path);
      if (m)
        out.push({
          level: Number(m[1]) as AdmLevel,
          generated: m[2] as string,
          path,
          location: this.listing.location(path),
        });
    }
    return out.sort((a, b) => (a.generated === b.generated ? a.level - b.level : a.generated < b.generated ? -1 : 1));
  }

  /** One delivery CSV, trusted under its manifest. */
  async readDelivery(delivery: HindcastDelivery): Promise<ParsedCsv> {
    const bytes = await this.listing.readTrusted(
      delivery.path,
      commandThatMakes(artifactById('hindcast_delivery'), this.runDir),
    );
    return parseCsv(decodeUtf8(bytes, delivery.location), delivery.location);
  }

  /**
   * complete / missing / failed-verification for every stage scope the run should have (see StageStatus.ts);
   * the test years come from the config, or from the FIT manifests present when the config cannot be read.
   */
  async stageStatus(): Promise<StageStatus[]> {
    let testYears: number[];
    try {
      testYears = [...(await this.config()).experiment_protocol.test_years];
    } catch {
      testYears = (await this.listing.manifests()).flatMap((m) =>
        m.manifest?.stage === 'fit' && /^\d{4}$/.test(m.manifest.scope ?? '') ? [Number(m.manifest.scope)] : [],
      );
    }
    return stageStatuses(
      this.listing,
      testYears,
      this.forecastSlices().map((s) => forecastScope(s)),
    );
  }

  /** Fold labels under `models/<key>/` or `preds/<key>/`: test years ascending, then `production`. */
  private folds(): string[] {
    const found = new Set<string>();
    // The experiment key matches [a-z0-9_]+, so it needs no escaping inside a pattern.
    const pattern = new RegExp(`^(?:models|preds)/${this.experimentKey}/(\\d{4}|production)/`);
    for (const path of this.listing.paths) {
      const m = pattern.exec(path);
      if (m) found.add(m[1] as string);
    }
    return [...found].sort((a, b) => (a === 'production' ? 1 : b === 'production' ? -1 : Number(a) - Number(b)));
  }
}
