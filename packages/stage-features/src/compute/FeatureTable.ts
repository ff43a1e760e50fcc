import { compareGeo } from '@commodity-hindcast/rundir-contract/domain';
import type { ColumnData, Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { FeaturesError } from '../FeaturesError.js';
import type { FeatureBlock } from './FeatureBlock.js';
import type { FeatureColumnSelection } from './FeatureColumns.js';
import type { SeasonInits } from './SeasonInits.js';
import { AUXILIARY_COLUMNS, type YieldRows } from './YieldRows.js';

export interface FeatureColumn {
  name: string;
  /** NaN = missing (written as null). */
  values: Float64Array;
}

/** Every (geo, year, init date) row of the join, sorted by year, geo (code point), init date. */
export interface FeatureTable {
  numRows: number;
  year: Int32Array;
  geoIdentifier: string[];
  /** Epoch days. */
  initDate: Int32Array;
  /** 1 on the harvest (end-of-season) row of a season. */
  isHarvest: Uint8Array;
  /** yield_kg_ha; NaN = unknown. */
  target: Float64Array;
  features: FeatureColumn[];
  auxiliary: FeatureColumn[];
}

export interface JoinInput {
  /** The driver: one row per (geo, season year). */
  rows: YieldRows;
  blocks: readonly FeatureBlock[];
  selection: FeatureColumnSelection;
  /** The init dates (and cutoffs) of a season. */
  inits: (seasonYear: number) => SeasonInits;
}

/**
 * Inner-joins the builders on (year, geo_identifier, init_date): a yields row (geo, year) yields one row per
 * init date of its season when every block covers (geo, year), and is dropped otherwise.
 */
export function joinFeatures(input: JoinInput): FeatureTable {
  const { rows, blocks, selection } = input;
  const initsCache = new Map<number, SeasonInits>();
  const initsOf = (year: number): SeasonInits => {
    let inits = initsCache.get(year);
    if (inits === undefined) {
      inits = input.inits(year);
      initsCache.set(year, inits);
    }
    return inits;
  };

  const order = Array.from({ length: rows.years.length }, (_, i) => i).sort(
    (a, b) =>
      (rows.years[a] as number) - (rows.years[b] as number) ||
      compareGeo(rows.geoIdentifiers[a] as string, rows.geoIdentifiers[b] as string),
  );
  const kept = order.filter((i) =>
    blocks.every((block) => block.covers(rows.geoIdentifiers[i] as string, rows.years[i] as number)),
  );
  const numRows = kept.reduce((n, i) => n + initsOf(rows.years[i] as number).initDates.length, 0);

  // Where each output column comes from: (block, column within the block).
  const sources = selection.columns.map((name) => {
    const b = blocks.findIndex((block) => block.columns.includes(name));
    if (b < 0)
      throw new FeaturesError(`feature column "${name}" has no builder; selectFeatureColumns should have refused it`);
    return { block: b, column: (blocks[b] as FeatureBlock).columns.indexOf(name) };
  });

  const table: FeatureTable = {
    numRows,
    year: new Int32Array(numRows),
    geoIdentifier: new Array<string>(numRows),
    initDate: new Int32Array(numRows),
    isHarvest: new Uint8Array(numRows),
    target: new Float64Array(numRows),
    features: selection.columns.map((name) => ({ name, values: new Float64Array(numRows) })),
    auxiliary: AUXILIARY_COLUMNS.map((name) => ({ name, values: new Float64Array(numRows) })),
  };
  const area = (table.auxiliary[0] as FeatureColumn).values;

  let r = 0;
  for (const i of kept) {
    const geo = rows.geoIdentifiers[i] as string;
    const year = rows.years[i] as number;
    const inits = initsOf(year);
    const nInits = inits.initDates.length;
    const blockValues = blocks.map((block) => block.seasonValues(geo, inits));
    for (let k = 0; k < nInits; k++) {
      table.year[r + k] = year;
      table.geoIdentifier[r + k] = geo;
      table.initDate[r + k] = inits.initDates[k] as number;
      table.isHarvest[r + k] = inits.isHarvest[k] ? 1 : 0;
      table.target[r + k] = rows.target[i] as number;
      area[r + k] = rows.area[i] as number;
    }
    sources.forEach((source, c) => {
      const values = blockValues[source.block] as Float64Array;
      const width = (blocks[source.block] as FeatureBlock).columns.length;
      const out = (table.features[c] as FeatureColumn).values;
      for (let k = 0; k < nInits; k++) out[r + k] = values[k * width + source.column] as number;
    });
    r += nInits;
  }
  return table;
}

export interface DroppedColumns {
  table: FeatureTable;
  dropped: string[];
}

/**
 * Drops feature columns with no value in any row (pipeline.md: all-missing columns are dropped). A required
 * column (see FeatureColumnSelection) that is all-missing is an error naming it and its builder.
 */
export function dropAllMissingColumns(table: FeatureTable, selection: FeatureColumnSelection): DroppedColumns {
  const dropped: string[] = [];
  const features = table.features.filter((column) => {
    if (column.values.some((v) => !Number.isNaN(v))) return true;
    if (selection.required.has(column.name)) {
      const builder = selection.builderOf.get(column.name) ?? '?';
      throw new FeaturesError(
        `feature column "${column.name}" (builders.${builder}) has no value in any of the ${table.numRows} feature rows; ` +
          'check the builder input covers the feature years and geos, or remove the column from feature_cols / the builder',
      );
    }
    dropped.push(column.name);
    return false;
  });
  return { table: { ...table, features }, dropped };
}

/**
 * A double column as a frame holds it: the Float64Array (shared with the table when every row is taken), and a
 * null mask (1 where NaN, i.e. missing) when any value is missing. A mask costs 1 byte a row; an array with nulls
 * would cost ~24 (a pointer and a boxed number), which on 840k rows × 50 features was most of the stage's memory.
 */
function doubleColumn(
  values: Float64Array,
  rows: Int32Array | undefined,
): { values: Float64Array; mask: Uint8Array | undefined } {
  const picked = rows === undefined ? values : Float64Array.from(rows, (i) => values[i] as number);
  let mask: Uint8Array | undefined;
  for (let i = 0; i < picked.length; i++) {
    if (Number.isNaN(picked[i] as number)) (mask ??= new Uint8Array(picked.length))[i] = 1;
  }
  return { values: picked, mask };
}

function frameOf(table: FeatureTable, rows: Int32Array | undefined): Frame {
  const numRows = rows === undefined ? table.numRows : rows.length;
  const pickInt = (values: Int32Array): Int32Array =>
    rows === undefined ? values : Int32Array.from(rows, (i) => values[i] as number);
  const columns: Record<string, ColumnData> = {
    year: pickInt(table.year),
    geo_identifier:
      rows === undefined ? table.geoIdentifier : Array.from(rows, (i) => table.geoIdentifier[i] as string),
    init_date: pickInt(table.initDate),
  };
  const nulls: Record<string, Uint8Array> = {};
  const columnNames = Object.keys(columns);
  // An explicit name list: Object.keys would put integer-like names ("2020") first.
  for (const column of [{ name: 'yield_kg_ha', values: table.target }, ...table.features, ...table.auxiliary]) {
    const { values, mask } = doubleColumn(column.values, rows);
    columns[column.name] = values;
    if (mask) nulls[column.name] = mask;
    columnNames.push(column.name);
  }
  return { numRows, columnNames, columns, nulls };
}

/** `fit.parquet`: one row per (geo, year) at the harvest init date with a known target. */
export function fitFrame(table: FeatureTable): Frame {
  const rows: number[] = [];
  for (let r = 0; r < table.numRows; r++)
    if (table.isHarvest[r] && !Number.isNaN(table.target[r] as number)) rows.push(r);
  return frameOf(table, Int32Array.from(rows));
}

/** `pred.parquet` (and a forecast slice's): every (geo, year, init date) row. */
export function predFrame(table: FeatureTable): Frame {
  return frameOf(table, undefined);
}
