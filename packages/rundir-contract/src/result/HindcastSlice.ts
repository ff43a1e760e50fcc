import { ContractError } from '../errors/ContractError.js';
import { decodeUtf8, parseJson } from '../io/Json.js';
import { decodeParquet } from '../io/Parquet.js';
import { artifactById } from '../layout/Artifacts.js';
import {
  biasCorrectorPath,
  detrenderPath,
  featureFillValuesPath,
  modelPath,
  trainPredsPath,
  walkForwardPredsPath,
  yearDataPath,
  type FoldLabel,
  type StageName,
} from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import {
  BiasCorrectorSchema,
  DetrenderSchema,
  ModelSchema,
  type BiasCorrector,
  type Detrender,
  type Model,
} from '../schemas/JsonArtifacts.js';
import {
  featureFillValuesSchema,
  trainPredsSchema,
  walkForwardPredsSchema,
  yearDataSchema,
} from '../schemas/Tables.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import type { z } from 'zod';
import type { RunDirListing } from './RunDirListing.js';
import { commandThatMakes } from './StageCommand.js';

/** Full locations of a fold's artifacts (rundir-layout.md); production has no walk-forward predictions or year data. */
export interface HindcastArtifactLocations {
  detrender: Location;
  featureFillValues: Location;
  model: Location;
  trainPreds: Location;
  walkForwardPreds: Location;
  yearData: Location;
  biasCorrector: Location;
}

/** One row of `feature_fill_values.parquet`. */
export interface FeatureFillValue {
  feature: string;
  value: number;
  method: string;
}

/**
 * One fold of the hindcast (a test year) or the production fold: where its artifacts are, whether its stages
 * completed, and typed readers. Every reader trusts a file only under a manifest that lists it with the same
 * size and sha256, and validates it against its schema.
 */
export class HindcastSlice {
  readonly locations: HindcastArtifactLocations;

  constructor(
    readonly fold: FoldLabel,
    readonly experimentKey: string,
    private readonly listing: RunDirListing,
  ) {
    const at = (relative: string): Location => listing.location(relative);
    this.locations = {
      detrender: at(detrenderPath(experimentKey, fold)),
      featureFillValues: at(featureFillValuesPath(experimentKey, fold)),
      model: at(modelPath(experimentKey, fold)),
      trainPreds: at(trainPredsPath(experimentKey, fold)),
      walkForwardPreds: at(walkForwardPredsPath(experimentKey, fold)),
      yearData: at(yearDataPath(experimentKey, fold)),
      biasCorrector: at(biasCorrectorPath(experimentKey, fold)),
    };
  }

  get isProduction(): boolean {
    return this.fold === 'production';
  }

  /** The fold's test year; undefined for the production fold. */
  get testYear(): number | undefined {
    return this.isProduction ? undefined : Number(this.fold);
  }

  /** The manifests a fold's outputs live under: FIT's, and for a test year PREDICT's too (scope = the fold label). */
  get stages(): StageName[] {
    return this.isProduction ? ['fit'] : ['fit', 'predict'];
  }

  /**
   * True when FIT (and for a test year PREDICT) wrote their manifest for this fold, every file those manifests
   * list still matches its size and sha256, and each of the fold's artifacts is among them.
   */
  async isComplete(): Promise<boolean> {
    const expected: Record<string, string[]> = {
      fit: [detrenderPath, featureFillValuesPath, modelPath, trainPredsPath].map((p) =>
        p(this.experimentKey, this.fold),
      ),
      predict: [walkForwardPredsPath, yearDataPath].map((p) => p(this.experimentKey, this.fold)),
    };
    for (const stage of this.stages) {
      if (!(await this.listing.isStageComplete(stage, this.fold, expected[stage] ?? []))) return false;
    }
    return true;
  }

  readWalkForwardPreds(): Promise<Frame> {
    this.assertTestYear('walk_forward_preds');
    return this.readTable(
      'walk_forward_preds',
      walkForwardPredsPath(this.experimentKey, this.fold),
      walkForwardPredsSchema,
    );
  }

  readTrainPreds(): Promise<Frame> {
    return this.readTable('train_preds', trainPredsPath(this.experimentKey, this.fold), trainPredsSchema);
  }

  readYearData(): Promise<Frame> {
    this.assertTestYear('year_data');
    return this.readTable('year_data', yearDataPath(this.experimentKey, this.fold), yearDataSchema);
  }

  readDetrender(): Promise<Detrender> {
    return this.readDocument('detrender', detrenderPath(this.experimentKey, this.fold), DetrenderSchema);
  }

  readModel(): Promise<Model> {
    return this.readDocument('model', modelPath(this.experimentKey, this.fold), ModelSchema);
  }

  readBiasCorrector(): Promise<BiasCorrector> {
    return this.readDocument('bias_corrector', biasCorrectorPath(this.experimentKey, this.fold), BiasCorrectorSchema);
  }

  /** The per-feature imputation values, in file order. */
  async readFillValues(): Promise<FeatureFillValue[]> {
    const frame = await this.readTable(
      'feature_fill_values',
      featureFillValuesPath(this.experimentKey, this.fold),
      featureFillValuesSchema,
    );
    const features = frame.columns.feature as ArrayLike<string>;
    const values = frame.columns.value as ArrayLike<number>;
    const methods = frame.columns.method as ArrayLike<string>;
    return Array.from({ length: frame.numRows }, (_, i) => ({
      feature: features[i] as string,
      value: values[i] as number,
      method: methods[i] as string,
    }));
  }

  private assertTestYear(artifact: string): void {
    if (this.isProduction) {
      throw new ContractError(
        `${this.listing.runDir}: the production fold has no ${artifact} (PREDICT writes it for test-year folds only); production predictions live in forecast slices`,
      );
    }
  }

  private command(artifactId: string): string {
    return commandThatMakes(artifactById(artifactId), this.listing.runDir, { fold: this.fold });
  }

  private async readTable(artifactId: string, relative: string, schema: TableSchema): Promise<Frame> {
    const bytes = await this.listing.readTrusted(relative, this.command(artifactId));
    return decodeParquet(bytes, schema, this.listing.location(relative));
  }

  private async readDocument<T>(artifactId: string, relative: string, schema: z.ZodType<T>): Promise<T> {
    const where = this.listing.location(relative);
    const bytes = await this.listing.readTrusted(relative, this.command(artifactId));
    return parseJson(decodeUtf8(bytes, where), where, schema);
  }
}
