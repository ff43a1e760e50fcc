import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { dateForSeasonDoy, seasonStart, type SeasonCalendar } from '@commodity-hindcast/rundir-contract/domain';
import { FeaturesInputError } from '../FeaturesError.js';
import type { FeatureBlock } from '../compute/FeatureBlock.js';
import { indicesBlock } from '../compute/IndicesBlock.js';
import { planSeasonWindows } from '../compute/SeasonWindows.js';
import { staticBlock } from '../compute/StaticBlock.js';
import { tableBlock } from '../compute/TableBlock.js';
import {
  assertStoreCoversSeasons,
  assertStoreCoversWindows,
  loadIndexStore,
  observedOnly,
  type LoadedIndexStore,
} from './IndexStoreInput.js';
import { loadSeasonTable, loadStaticTable } from './FeatureTableInput.js';
import { loadYieldTable, type YieldTable } from './YieldTable.js';

/** Hindcast: every builder reads its own file, restricted to the feature years. */
export interface HindcastLoad {
  mode: 'hindcast';
}

/** Forecast: every indices builder reads the slice's store; one season is built. */
export interface ForecastLoad {
  mode: 'forecast';
  seasonYear: number;
  /** The slice's `indices.zarr`. */
  indicesLocation: string;
  /** The layout path of the slice store, for messages. */
  indicesField: string;
}

export interface LoadedBuilders {
  yieldsBuilder: string;
  yields: YieldTable;
  /** indices, static and table builders, in config order. */
  blocks: FeatureBlock[];
  /** The index stores read, by builder (forecast mode checks their observed_until). */
  indexStores: Map<string, LoadedIndexStore>;
}

/**
 * Reads and checks every builder input, in config order, before anything is computed: a missing file, wrong
 * columns, or no rows in the configured years fail here with the config field, the path and the fix.
 */
export async function loadBuilders(
  config: ResolvedConfig,
  calendar: SeasonCalendar,
  load: HindcastLoad | ForecastLoad,
): Promise<LoadedBuilders> {
  const years = { start: config.feature_start_year, end: config.feature_end_year };
  let yields: { name: string; table: YieldTable } | undefined;
  const blocks: FeatureBlock[] = [];
  const indexStores = new Map<string, LoadedIndexStore>();
  for (const [name, builder] of Object.entries(config.builders)) {
    switch (builder.kind) {
      case 'yields':
        yields = { name, table: await loadYieldTable(name, builder.filepath) };
        break;
      case 'indices': {
        const plan = planSeasonWindows(calendar, builder.windows, `builders.${name}.windows`);
        if (load.mode === 'hindcast') {
          const store = observedOnly(await loadIndexStore(name, builder));
          assertStoreCoversSeasons(name, store, calendar, years);
          assertStoreCoversWindows(name, store, calendar, plan, years);
          indexStores.set(name, store);
          blocks.push(indicesBlock(name, store, builder, calendar, plan));
        } else {
          const store = await loadIndexStore(name, builder, {
            location: load.indicesLocation,
            field: load.indicesField,
          });
          assertSliceCoversSeason(store, calendar, load);
          indexStores.set(name, store);
          blocks.push(indicesBlock(name, store, builder, calendar, plan));
        }
        break;
      }
      case 'static': {
        const table = await loadStaticTable(name, builder);
        blocks.push(staticBlock(name, table, builder.columns !== undefined));
        break;
      }
      case 'table': {
        const table = await loadSeasonTable(name, builder, load.mode === 'hindcast' ? years : undefined);
        blocks.push(
          tableBlock(name, table, builder.columns !== undefined, { coverAnySeason: load.mode === 'forecast' }),
        );
        break;
      }
    }
  }
  if (yields === undefined) {
    // The config schema already demands exactly one; a hand-made ResolvedConfig may not.
    throw new FeaturesInputError(
      'builders',
      undefined,
      'no builder of kind yields (the target)',
      'add one, e.g. yields: {kind: yields, filepath: data/nass/corn_county.parquet}',
    );
  }
  return { yieldsBuilder: yields.name, yields: yields.table, blocks, indexStores };
}

function assertSliceCoversSeason(store: LoadedIndexStore, calendar: SeasonCalendar, load: ForecastLoad): void {
  const start = seasonStart(calendar, load.seasonYear);
  const harvest = dateForSeasonDoy(calendar, load.seasonYear, calendar.harvestSeasonDoy);
  const first = store.time[0] as number;
  const last = store.time[store.time.length - 1] as number;
  if (start > last || harvest < first) {
    throw new FeaturesInputError(
      load.indicesField,
      store.location,
      `the slice's index store does not reach season ${load.seasonYear}`,
      `rebuild the slice with 'commodity-hindcast run forecast --season-year ${load.seasonYear}'`,
    );
  }
}
