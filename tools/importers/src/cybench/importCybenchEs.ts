import { writeIndexStore, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { joinLocation, type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { staticFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { selectCrop } from '../csv/CropSelection.js';
import { CsvInput } from '../csv/CsvInput.js';
import type { ImportReport } from '../report/ImportReport.js';
import { ImportTally } from '../report/ImportTally.js';
import { indexStoreOutput, parquetOutput } from '../report/WrittenOutput.js';
import { spainIndexStore } from './SpainIndices.js';
import { spainStaticFrame } from './SpainStatic.js';
import { SPAIN_YIELD_COLUMNS, spainYieldFrame } from './SpainYields.js';

/** The file names of the CY-Bench Spain maize set, relative to `sourceDir`. */
export interface CybenchEsFiles {
  yield: string;
  ndvi: string;
  fpar: string;
  soil: string;
  location: string;
}

export const CYBENCH_ES_FILES: Readonly<CybenchEsFiles> = {
  yield: 'yield.csv',
  ndvi: 'ndvi.csv',
  fpar: 'fpar.csv',
  soil: 'soil.csv',
  location: 'location.csv',
};

export interface CybenchEsImportOptions {
  /** The folder holding the CY-Bench Spain files (`../shared/data/cybench/es_maize`). */
  sourceDir: Location;
  /** Other names for some of the files (default CYBENCH_ES_FILES). */
  files?: Partial<CybenchEsFiles>;
  outputs: {
    /** Yield table, e.g. `$INPUT_DATA_DIR/data/es_maize/yields.parquet`. */
    yields: Location;
    /** Index store, e.g. `$INPUT_DATA_DIR/data/es_maize/indices.zarr`. */
    indices: Location;
    /** Static feature table, e.g. `$INPUT_DATA_DIR/data/es_maize/static.parquet`. */
    static: Location;
  };
  /** Keep only this crop (`crop_name`); default the one crop of yield.csv. */
  crop?: string;
  /** The index store's `source` attribute; default names the data set and the scaling. */
  source?: string;
}

const SOURCE = 'CY-Bench Spain grain maize (WUR-AI/sample_data data_ES; cite CY-Bench, DOI 10.5281/zenodo.11502142)';

/**
 * CY-Bench Spain maize → a yield table (t/ha → kg/ha, geo `ADM0:ESP/ADM1:es11/ADM2:es111`, NUTS3 code as the
 * auxiliary column `nuts3`), an index store with `ndvi` and `fpar` over geo × time (each composite dated by the
 * last day it covers, attribute `time_coverage`), and a static feature table
 * (soil and location). `crop_calendar.csv` is not imported: sowing and harvest days belong in the experiment's
 * commodity calendar, not among the features.
 */
export async function importCybenchEs(options: CybenchEsImportOptions): Promise<ImportReport> {
  const dir = normalizeLocation(options.sourceDir);
  const names = { ...CYBENCH_ES_FILES, ...options.files };
  const yields = normalizeLocation(options.outputs.yields);
  const indices = normalizeLocation(options.outputs.indices);
  const statics = normalizeLocation(options.outputs.static);
  const tally = new ImportTally('cybench-es');

  const yieldInput = await CsvInput.read(
    joinLocation(dir, names.yield),
    'CY-Bench Spain yield CSV',
    SPAIN_YIELD_COLUMNS,
  );
  const ndviInput = await CsvInput.read(joinLocation(dir, names.ndvi), 'CY-Bench Spain NDVI CSV', [
    'adm_id',
    'date',
    'ndvi',
  ]);
  const fparInput = await CsvInput.read(joinLocation(dir, names.fpar), 'CY-Bench Spain fAPAR CSV', [
    'adm_id',
    'date',
    'fpar',
  ]);
  const soilInput = await CsvInput.read(joinLocation(dir, names.soil), 'CY-Bench Spain soil CSV', ['adm_id']);
  const locationInput = await CsvInput.read(joinLocation(dir, names.location), 'CY-Bench Spain location CSV', [
    'adm_id',
    'latitude',
    'longitude',
  ]);
  for (const input of [yieldInput, ndviInput, fparInput, soilInput, locationInput])
    tally.read({ location: input.location, rows: input.rowCount });

  // The yield file decides the crop; every other file must have it, so a wheat NDVI never meets maize yields.
  const yieldCrop = selectCrop(yieldInput, 'crop_name', options.crop);
  const crop = yieldCrop.crop;
  const cropOf = (input: CsvInput) => selectCrop(input, 'crop_name', crop);

  const yieldFrame = spainYieldFrame(yieldInput, yieldCrop, tally);
  const store = spainIndexStore(
    [
      { input: ndviInput, crop: cropOf(ndviInput), variable: 'ndvi' },
      { input: fparInput, crop: cropOf(fparInput), variable: 'fpar' },
    ],
    tally,
    options.source ?? SOURCE,
  );
  const staticFrame = spainStaticFrame(
    [
      { input: soilInput, crop: cropOf(soilInput) },
      { input: locationInput, crop: cropOf(locationInput) },
    ],
    tally,
  );

  await writeParquet(yields, yieldFrame, yieldTableSchema);
  tally.wrote(await parquetOutput(yields, yieldFrame.numRows));
  await writeIndexStore(indices, store);
  tally.wrote(await indexStoreOutput(indices, store));
  await writeParquet(statics, staticFrame, staticFeatureTableSchema);
  tally.wrote(await parquetOutput(statics, staticFrame.numRows));
  tally.note(
    `crop ${crop ?? 'unspecified'}; ${yieldFrame.numRows} province-years, ${store.geoIdentifiers.length} provinces × ${store.time.length} time steps (last days of composites) in the index store`,
  );
  return tally.report();
}
