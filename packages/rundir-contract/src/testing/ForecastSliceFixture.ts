import { isoToEpochDay } from '../domain/EpochDay.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import type { CsvCell } from '../io/Csv.js';
import { deliveryColumns } from '../schemas/DeliveryRow.js';
import { writeDeliveryCsv } from '../validate/writeArtifact.js';
import { writeIndexStore, type IndexStoreData } from '../io/IndexStore.js';
import { writeParquet } from '../io/Parquet.js';
import {
  forecastDeliveryPath,
  forecastFeaturesPredPath,
  forecastIndicesPath,
  forecastNationalPath,
  forecastPredsPath,
  forecastYearDataPath,
  runPath,
  type SliceRef,
  type StageName,
} from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import {
  forecastFeaturesPredSchema,
  forecastNationalSchema,
  forecastPredsSchema,
  yearDataSchema,
} from '../schemas/Tables.js';
import type { Store } from '../store/Store.js';
import { featureFrame, FIXTURE_GEOS, nationalFrame, predictionFrame } from './FixtureData.js';

/** The stages of a forecast slice, in pipeline order, as the run-directory builder names them. */
export type SliceFixtureStage =
  | 'forecast'
  | 'forecast-features'
  | 'forecast-predict'
  | 'forecast-postprocess'
  | 'forecast-deliver';

export type WriteManifestFn = (stage: StageName, scope: string | null, files: string[]) => Promise<void>;

/** The slice's index store as FORECAST writes it: observed to the day before the init date, one daily variable. */
export function fixtureSliceIndices(slice: SliceRef): IndexStoreData {
  const start = isoToEpochDay(`${slice.seasonYear}-04-01`);
  const time = Int32Array.from({ length: 184 }, (_, i) => start + i);
  const data = new Float32Array(FIXTURE_GEOS.length * time.length).map((_, i) => 10 + (i % 23));
  const observedUntil = new Date(
    Date.UTC(slice.seasonYear, Number(slice.initDate.slice(5, 7)) - 1, Number(slice.initDate.slice(8)) - 1),
  )
    .toISOString()
    .slice(0, 10);
  return {
    geoIdentifiers: [...FIXTURE_GEOS],
    time,
    variables: { tmax: { data, units: 'degC', longName: 'daily maximum temperature' } },
    observedUntil,
    source: 'contract fixture',
  };
}

export interface SliceFixtureOptions {
  runDir: Location;
  /** The run id and config the delivery rows carry. */
  runId: string;
  config: ResolvedConfig;
  key: string;
  store: Store;
  slice: SliceRef;
  /** Which slice stages to write (in pipeline order). */
  stages: ReadonlySet<SliceFixtureStage>;
  /** The slice's index store (default fixtureSliceIndices). */
  indices?: IndexStoreData;
  manifest: WriteManifestFn;
}

/** FORECAST, FEATURES, PREDICT, POSTPROCESS and DELIVER in forecast mode for one slice, each with its manifest. */
export async function writeForecastSlice(options: SliceFixtureOptions): Promise<string[]> {
  const { runDir, key, store, slice, stages, manifest } = options;
  const scope = `forecast/${slice.seasonYear}/${slice.initDate}`;
  const at = (relative: string): Location => runPath(runDir, relative);
  const written: string[] = [];

  if (stages.has('forecast')) {
    await writeIndexStore(at(forecastIndicesPath(slice)), options.indices ?? fixtureSliceIndices(slice), { store });
    await manifest('forecast', scope, [forecastIndicesPath(slice)]);
    written.push(forecastIndicesPath(slice));
  }

  if (stages.has('forecast-features')) {
    await writeParquet(
      at(forecastFeaturesPredPath(slice)),
      featureFrame([slice.seasonYear], () => [slice.initDate], false),
      forecastFeaturesPredSchema,
      { store },
    );
    await manifest('features', scope, [forecastFeaturesPredPath(slice)]);
    written.push(forecastFeaturesPredPath(slice));
  }

  const rows = FIXTURE_GEOS.map((geo) => ({
    year: slice.seasonYear,
    geo,
    initDate: slice.initDate,
    fold: 'production',
    obs: null,
  }));
  if (stages.has('forecast-predict')) {
    await writeParquet(at(forecastPredsPath(slice)), predictionFrame(rows), forecastPredsSchema, { store });
    await writeParquet(
      at(forecastYearDataPath(slice)),
      featureFrame([slice.seasonYear], () => [slice.initDate], false),
      yearDataSchema,
      { store },
    );
    await manifest('predict', scope, [forecastPredsPath(slice), forecastYearDataPath(slice)]);
    written.push(forecastPredsPath(slice), forecastYearDataPath(slice));
  }

  if (stages.has('forecast-postprocess')) {
    await writeParquet(
      at(forecastNationalPath(slice)),
      nationalFrame(rows, () => [10, 20, 30, 40, 50], 'production'),
      forecastNationalSchema,
      { store },
    );
    await manifest('postprocess', scope, [forecastNationalPath(slice)]);
    written.push(forecastNationalPath(slice));
  }

  if (stages.has('forecast-deliver')) {
    const deliveries = ([0, 1, 2] as const).map((level) => forecastDeliveryPath(slice, key, level));
    const geosAt: Record<0 | 1 | 2, string[]> = {
      0: ['ADM0:USA'],
      1: [...new Set(FIXTURE_GEOS.map((g) => g.slice(0, g.lastIndexOf('/'))))],
      2: [...FIXTURE_GEOS],
    };
    for (const level of [0, 1, 2] as const) {
      const header = deliveryColumns(options.config, level);
      const rows = geosAt[level].map((geo) => {
        const values: Record<string, CsvCell> = {
          commodity: options.config.commodity.commodity.toUpperCase(),
          year: slice.seasonYear,
          init_date: slice.initDate,
          geo_identifier: geo,
          variable: `yield_${options.config.commodity.delivery_unit}`,
          model: options.config.delivery.model_public_name,
          mean: 180.5,
          weather_correction: 1.5,
          lower_80: 170,
          upper_80: 190,
          lower_95: 160,
          upper_95: 200,
          run_id: options.runId,
          generated_date: '2020-08-02',
        };
        return header.map((column) => values[column] ?? null);
      });
      await writeDeliveryCsv(at(forecastDeliveryPath(slice, key, level)), header, rows, {
        store,
        context: { config: options.config, runId: options.runId },
      });
    }
    await manifest('deliver', scope, deliveries);
    written.push(...deliveries);
  }
  return written;
}
