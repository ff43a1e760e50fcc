import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { sliceHasIndexStore } from '../config/SliceIndexStore.js';
import { decodeParquet } from '../io/Parquet.js';
import { ARTIFACTS, artifactById } from '../layout/Artifacts.js';
import {
  forecastDeliveryPath,
  forecastFeaturesPredPath,
  forecastIndicesPath,
  forecastNationalPath,
  forecastPredsPath,
  forecastScope,
  forecastYearDataPath,
  type AdmLevel,
  type SliceRef,
  type StageName,
} from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import { forecastFeaturesPredSchema, forecastNationalSchema, forecastPredsSchema } from '../schemas/Tables.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import type { RunDirListing } from './RunDirListing.js';
import { commandThatMakes } from './StageCommand.js';

export interface ForecastArtifactLocations {
  /** The slice's index store (a Zarr folder). */
  indices: Location;
  featuresPred: Location;
  preds: Location;
  yearData: Location;
  national: Location;
  /** The client CSV per ADM level. */
  delivery: Record<AdmLevel, Location>;
}

// The stages that write into a slice, in pipeline order; each writes `_manifests/<stage>/forecast/<sy>/<init>.json`.
const SLICE_STAGES: readonly StageName[] = ['forecast', 'features', 'predict', 'postprocess', 'deliver'];

/**
 * One forecast slice, `forecast/<season_year>/<init_date>/`: where its artifacts are, whether the forecast
 * pipeline completed for it, and typed readers that trust a file only under a manifest with a matching checksum.
 */
export class ForecastSlice implements SliceRef {
  readonly locations: ForecastArtifactLocations;
  /** The manifest scope of the slice, `forecast/<sy>/<init>`. */
  readonly scope: string;

  constructor(
    readonly seasonYear: number,
    readonly initDate: string,
    readonly experimentKey: string,
    private readonly listing: RunDirListing,
    /** The run's config, when known: a config without a source for observations gives the slice no index store. */
    private readonly config?: () => Promise<ResolvedConfig>,
  ) {
    const at = (relative: string): Location => listing.location(relative);
    this.scope = forecastScope(this);
    this.locations = {
      indices: at(forecastIndicesPath(this)),
      featuresPred: at(forecastFeaturesPredPath(this)),
      preds: at(forecastPredsPath(this)),
      yearData: at(forecastYearDataPath(this)),
      national: at(forecastNationalPath(this)),
      delivery: {
        0: at(forecastDeliveryPath(this, experimentKey, 0)),
        1: at(forecastDeliveryPath(this, experimentKey, 1)),
        2: at(forecastDeliveryPath(this, experimentKey, 2)),
      },
    };
  }

  /**
   * True when every stage of the forecast pipeline (FORECAST, FEATURES, PREDICT, POSTPROCESS, DELIVER) wrote its
   * manifest for this slice, those manifests list the slice's required artifacts (the index store only when the
   * config has one: sliceHasIndexStore), and every listed file still matches.
   */
  async isComplete(): Promise<boolean> {
    // An unreadable config expects the index store (the stricter reading).
    const indices = this.config ? await this.config().then(sliceHasIndexStore, () => true) : true;
    for (const stage of SLICE_STAGES) {
      const expected = ARTIFACTS.filter(
        (a) => a.scope === 'slice' && a.required && a.writtenBy === stage && (indices || a.id !== 'forecast_indices'),
      ).flatMap((a) => this.pathsOf(a.id));
      if (!(await this.listing.isStageComplete(stage, this.scope, expected))) return false;
    }
    return true;
  }

  /** Production-model predictions per county for this season and init date. */
  readPreds(): Promise<Frame> {
    return this.readTable('forecast_preds', forecastPredsPath(this), forecastPredsSchema);
  }

  /** The ADM0 series with interval bounds from `forecast.residual_mode`. */
  readNational(): Promise<Frame> {
    return this.readTable('forecast_national', forecastNationalPath(this), forecastNationalSchema);
  }

  /** The feature rows the slice was predicted from. */
  readFeatures(): Promise<Frame> {
    return this.readTable('forecast_features_pred', forecastFeaturesPredPath(this), forecastFeaturesPredSchema);
  }

  /** Relative paths of an artifact of this slice (the delivery has one per ADM level). */
  private pathsOf(artifactId: string): string[] {
    switch (artifactId) {
      case 'forecast_indices':
        return [forecastIndicesPath(this)];
      case 'forecast_features_pred':
        return [forecastFeaturesPredPath(this)];
      case 'forecast_preds':
        return [forecastPredsPath(this)];
      case 'forecast_year_data':
        return [forecastYearDataPath(this)];
      case 'forecast_national':
        return [forecastNationalPath(this)];
      case 'forecast_delivery':
        return ([0, 1, 2] as const).map((level) => forecastDeliveryPath(this, this.experimentKey, level));
      default:
        throw new Error(`no path builder for slice artifact ${artifactId}`);
    }
  }

  private async readTable(artifactId: string, relative: string, schema: TableSchema): Promise<Frame> {
    const command = commandThatMakes(artifactById(artifactId), this.listing.runDir, { slice: this });
    const bytes = await this.listing.readTrusted(relative, command);
    return decodeParquet(bytes, schema, this.listing.location(relative));
  }
}
