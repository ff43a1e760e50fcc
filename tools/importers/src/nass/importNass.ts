import {
  acresToHa,
  compareGeo,
  kgHaPerBuAcre,
  PLAUSIBLE_YIELD_KG_HA,
} from '@commodity-hindcast/rundir-contract/domain';
import { writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { type Frame, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import type { CountyNameOverrides } from '../geo/UsCounties.js';
import type { ImportReport } from '../report/ImportReport.js';
import { ImportTally } from '../report/ImportTally.js';
import { parquetOutput } from '../report/WrittenOutput.js';
import { readNassCountyCsv } from './NassCountyCsv.js';

export interface NassImportOptions {
  /** The NASS county CSV (the format of `../shared/data/nass/corn_county.csv`). */
  input: Location;
  /** The yield table to write, e.g. `$INPUT_DATA_DIR/data/nass/corn_county.parquet`. */
  output: Location;
  /** Pounds per bushel of the crop, to convert bu/ac to kg/ha: corn 56 (the default), soybeans and wheat 60. */
  bushelWeightLbs?: number;
  /** Keep only this crop when the file's `crop` column holds several. */
  crop?: string;
  /** Names for counties whose source names would collide (see UsCounties); pass the same to every US importer. */
  countyNameOverrides?: CountyNameOverrides;
  /** Drop and count rows with a yield above the physical limit (PLAUSIBLE_YIELD_KG_HA) instead of refusing the file. */
  dropImplausible?: boolean;
}

export const CORN_BUSHEL_WEIGHT_LBS = 56;

/**
 * NASS county CSV → yield table (`yield_table` schema): `geo_identifier` (`ADM0:USA/ADM1:iowa/ADM2:story`),
 * `year`, `yield_kg_ha` (bu/ac × kgHaPerBuAcre(bushel weight)), `area_harvested_ha` (acres × 0.404686), and
 * the county FIPS code as the auxiliary column `fips`. Missing yields or areas stay null — nothing is filled in;
 * a yield of 0 with no harvested area and no production is read as missing too (noted in the report). Rows
 * sorted by geo identifier, then year.
 */
export async function importNass(options: NassImportOptions): Promise<ImportReport> {
  const kgHaPerBu = kgHaPerBuAcre(options.bushelWeightLbs ?? CORN_BUSHEL_WEIGHT_LBS);
  const output = normalizeLocation(options.output);
  const tally = new ImportTally('nass');
  const nass = await readNassCountyCsv(options.input, {
    ...(options.crop === undefined ? {} : { crop: options.crop }),
    ...(options.countyNameOverrides === undefined ? {} : { countyNameOverrides: options.countyNameOverrides }),
    onDrop: (reason, at) => tally.drop(reason, at),
    maxYieldBuAcre: PLAUSIBLE_YIELD_KG_HA.max / kgHaPerBu,
    ...(options.dropImplausible === true ? { dropImplausible: true } : {}),
  });
  tally.read({ location: nass.input.location, rows: nass.input.rowCount });

  const rows = nass.rows.map((r) => ({ ...r, geo: nass.geos.get(r.fips) as string }));
  rows.sort((a, b) => compareGeo(a.geo, b.geo) || a.year - b.year);
  const frame: Frame = {
    numRows: rows.length,
    columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'fips'],
    columns: {
      geo_identifier: rows.map((r) => r.geo),
      year: Int32Array.from(rows, (r) => r.year),
      yield_kg_ha: rows.map((r) => (r.yieldBuAcre === null ? null : r.yieldBuAcre * kgHaPerBu)),
      area_harvested_ha: rows.map((r) => (r.harvestedAcres === null ? null : acresToHa(r.harvestedAcres))),
      fips: rows.map((r) => r.fips),
    },
  };
  await writeParquet(output, frame, yieldTableSchema);
  tally.wrote(await parquetOutput(output, frame.numRows));

  const noYield = rows.filter((r) => r.yieldBuAcre === null).length;
  const noArea = rows.filter((r) => r.harvestedAcres === null).length;
  tally.note(`${nass.geos.size} counties, crop ${nass.crop ?? 'unspecified'}, ${kgHaPerBu.toFixed(4)} kg/ha per bu/ac`);
  tally.note(`${noYield} rows without a yield and ${noArea} without a harvested area kept with nulls`);
  if (nass.zeroYieldsWithoutHarvest > 0) {
    tally.note(
      `${nass.zeroYieldsWithoutHarvest} yield${nass.zeroYieldsWithoutHarvest === 1 ? '' : 's'} of 0 with no harvested area and no production read as missing (null)`,
    );
  }
  if (nass.unusedOverrides.length > 0)
    tally.note(`countyNameOverrides for FIPS not in the file: ${nass.unusedOverrides.join(', ')}`);
  return tally.report();
}
