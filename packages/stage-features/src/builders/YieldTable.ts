import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { FeaturesInputError } from '../FeaturesError.js';
import type { YieldRows } from '../compute/YieldRows.js';
import { builderReadError, toFloat64 } from './BuilderInputError.js';
import { assertGeoIdentifiers } from './GeoCheck.js';

/** A whole yield table (every year), as read from a `yields` builder's file. */
export interface YieldTable extends YieldRows {
  field: string;
  location: string;
}

const COLUMNS = ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'];

/**
 * Reads a `yields` builder's table through the contract (yield_table schema; auxiliary source-code columns
 * are not read) and checks what the schema cannot: normal-form geo identifiers, no negative yield or area.
 */
export async function loadYieldTable(builderName: string, filepath: string): Promise<YieldTable> {
  const field = `builders.${builderName}.filepath`;
  let frame;
  try {
    frame = await readParquet(filepath, yieldTableSchema, { columns: COLUMNS, nulls: 'mask' });
  } catch (error) {
    throw builderReadError(field, 'yields', filepath, error);
  }
  const geoIdentifiers = frame.columns.geo_identifier as string[];
  assertGeoIdentifiers(field, filepath, geoIdentifiers);
  const yearColumn = frame.columns.year as ArrayLike<number>;
  const table: YieldTable = {
    field,
    location: filepath,
    geoIdentifiers,
    years: Int32Array.from({ length: frame.numRows }, (_, i) => yearColumn[i] as number),
    target: toFloat64(frame.columns.yield_kg_ha as ArrayLike<number | null>),
    area: toFloat64(frame.columns.area_harvested_ha as ArrayLike<number | null>),
  };
  for (const [column, values] of [
    ['yield_kg_ha', table.target],
    ['area_harvested_ha', table.area],
  ] as const) {
    const bad = values.findIndex((v) => v < 0 || v === Number.POSITIVE_INFINITY);
    if (bad >= 0) {
      throw new FeaturesInputError(
        field,
        filepath,
        `row ${bad} (${geoIdentifiers[bad]}, ${table.years[bad]}): ${column} is ${values[bad]}, expected a finite value >= 0 or null`,
        'fix the importer or the source row',
      );
    }
  }
  return table;
}

/** The rows of season years start..end; none is an error naming the years the table does have. */
export function yieldRowsInYears(table: YieldTable, start: number, end: number): YieldRows {
  const rows: number[] = [];
  for (let i = 0; i < table.years.length; i++) {
    const year = table.years[i] as number;
    if (year >= start && year <= end) rows.push(i);
  }
  if (rows.length === 0) {
    throw new FeaturesInputError(
      table.field,
      table.location,
      `no rows in the feature years ${start}-${end} (${describeYears(table.years)})`,
      'set feature_start_year/feature_end_year to years the table covers, or point the builder at a table that covers them',
    );
  }
  return pick(table, rows);
}

/**
 * The rows of a forecast season: one per geo with any row in the table. The target is the season's when the
 * table has it (else unknown); the area is the season's when known, else the mean of the geo's last three
 * known seasons before it (pipeline.md → FORECAST), unknown when it has none.
 */
export function forecastYieldRows(table: YieldTable, seasonYear: number): YieldRows {
  const byGeo = new Map<string, number[]>();
  table.geoIdentifiers.forEach((geo, i) => {
    const rows = byGeo.get(geo);
    if (rows) rows.push(i);
    else byGeo.set(geo, [i]);
  });
  const geos = [...byGeo.keys()];
  const out: YieldRows = {
    geoIdentifiers: geos,
    years: new Int32Array(geos.length).fill(seasonYear),
    target: new Float64Array(geos.length).fill(Number.NaN),
    area: new Float64Array(geos.length).fill(Number.NaN),
  };
  geos.forEach((geo, g) => {
    const rows = byGeo.get(geo) as number[];
    const same = rows.find((i) => table.years[i] === seasonYear);
    if (same !== undefined) {
      out.target[g] = table.target[same] as number;
      out.area[g] = table.area[same] as number;
    }
    if (Number.isNaN(out.area[g] as number)) {
      const known = rows
        .filter((i) => (table.years[i] as number) < seasonYear && !Number.isNaN(table.area[i] as number))
        .sort((a, b) => (table.years[b] as number) - (table.years[a] as number))
        .slice(0, 3);
      if (known.length > 0) out.area[g] = known.reduce((sum, i) => sum + (table.area[i] as number), 0) / known.length;
    }
  });
  return out;
}

function pick(table: YieldRows, rows: readonly number[]): YieldRows {
  return {
    geoIdentifiers: rows.map((i) => table.geoIdentifiers[i] as string),
    years: Int32Array.from(rows, (i) => table.years[i] as number),
    target: Float64Array.from(rows, (i) => table.target[i] as number),
    area: Float64Array.from(rows, (i) => table.area[i] as number),
  };
}

export function describeYears(years: ArrayLike<number>): string {
  if (years.length === 0) return 'it has no rows';
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < years.length; i++) {
    min = Math.min(min, years[i] as number);
    max = Math.max(max, years[i] as number);
  }
  return `it has ${years.length} rows in ${min}-${max}`;
}
