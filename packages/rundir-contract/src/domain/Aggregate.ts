import { ContractError } from '../errors/ContractError.js';
import { compareGeo, parentGeo, parseGeoIdentifier, type AdmLevel } from './GeoIdentifier.js';

/**
 * ADM aggregation (pipeline.md → POSTPROCESS, National series; DELIVER): area-weighted means of county columns per
 * (year, init date) and ancestor geo. POSTPROCESS, EVALUATE, DELIVER and FORECAST all aggregate through here, so a
 * national value means the same thing everywhere:
 * - only geos of the `universe` (the modelled ADM2 counties) take part, when one is given;
 * - a geo weighs its `area_harvested_ha`; a geo without a positive, finite area weighs nothing and is not counted
 *   in `n_geos` (the geos with a positive area) nor in `area_harvested_ha` (their sum);
 * - per column, a geo whose value is unknown (null or NaN) is left out of that column's mean, which is the
 *   area-weighted mean of the known values (`known_area_ha` says how much area that was); with `nulls: 'propagate'`
 *   one unknown value makes the aggregate unknown instead. No known value gives null, never NaN.
 */

/** County rows, column-wise (a Frame's columns fit): the key, the weight, and the columns to aggregate. */
export interface GeoColumns<C extends string = string> {
  year: ArrayLike<number>;
  /** Epoch days (or any value that identifies the init date); rows aggregate within one (year, init_date). */
  init_date: ArrayLike<number>;
  geo_identifier: ArrayLike<string>;
  area_harvested_ha: ArrayLike<number | null>;
  values: Readonly<Record<C, ArrayLike<number | null>>>;
}

export interface AggregateOptions {
  /** The modelled ADM2 geos (`included_geo_identifiers.txt`); rows of other geos are ignored. Default: every row. */
  universe?: Iterable<string>;
  /** The weight of a geo: its harvested area (the only weighting the pipeline uses). */
  weight?: 'area';
  /** `skip` (default): unknown values are left out of a column's mean; `propagate`: one makes the aggregate null. */
  nulls?: 'skip' | 'propagate';
}

export interface AggregatedRow<C extends string = string> {
  year: number;
  init_date: number;
  /** The ancestor geo at the aggregation level. */
  geo_identifier: string;
  /** Geos with a positive area that took part. */
  n_geos: number;
  /** Sum of their areas. */
  area_harvested_ha: number;
  /** Area-weighted means; null where no geo with a positive area had a known value. */
  values: Record<C, number | null>;
  /** Per column, the area of the geos whose value was known. */
  known_area_ha: Record<C, number>;
}

type Level = AdmLevel | 'ADM0' | 'ADM1' | 'ADM2';

function levelNumber(level: Level): AdmLevel {
  const n = typeof level === 'string' ? Number(level.replace(/^ADM/, '')) : level;
  if (n !== 0 && n !== 1 && n !== 2)
    throw new ContractError(
      `aggregate: expected an ADM level (0, 1, 2 or "ADM0"…"ADM2"), got ${JSON.stringify(level)}`,
    );
  return n;
}

/**
 * Area-weighted aggregation of county columns to `level`, per (year, init date, ancestor geo). Rows come back
 * sorted by year, init date, then geo by code point. A (year, init date, geo) given twice is an error.
 */
export function aggregate<C extends string>(
  rows: GeoColumns<C>,
  level: Level,
  options: AggregateOptions = {},
): AggregatedRow<C>[] {
  const adm = levelNumber(level);
  if (options.weight !== undefined && options.weight !== 'area')
    throw new ContractError(`aggregate: weight must be "area", got ${JSON.stringify(options.weight)}`);
  const propagate = options.nulls === 'propagate';
  const universe = options.universe ? new Set(options.universe) : undefined;
  const columns = Object.keys(rows.values) as C[];
  const n = rows.geo_identifier.length;
  for (const [name, column] of [
    ['year', rows.year],
    ['init_date', rows.init_date],
    ['area_harvested_ha', rows.area_harvested_ha],
    ...columns.map((c) => [`values.${c}`, rows.values[c]] as const),
  ] as const) {
    if (column.length !== n)
      throw new ContractError(
        `aggregate: column ${name} has ${column.length} rows, geo_identifier ${n}; give columns of one table`,
      );
  }

  interface Group {
    year: number;
    initDate: number;
    geo: string;
    nGeos: number;
    area: number;
    sums: Float64Array;
    known: Float64Array;
    unknown: Uint8Array;
  }
  const groups = new Map<string, Group>();
  const seen = new Set<string>();
  const ancestorCache = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const geo = rows.geo_identifier[i] as string;
    if (universe && !universe.has(geo)) continue;
    const year = rows.year[i] as number;
    const initDate = rows.init_date[i] as number;
    const rowKey = `${year}\u0000${initDate}\u0000${geo}`;
    if (seen.has(rowKey))
      throw new ContractError(
        `aggregate: geo ${geo} appears twice for year ${year} init date ${initDate}; the key (year, geo_identifier, init_date) must be unique`,
      );
    seen.add(rowKey);
    const area = rows.area_harvested_ha[i];
    if (area === null || area === undefined || !(area > 0) || !Number.isFinite(area)) continue;
    let ancestor = ancestorCache.get(geo);
    if (ancestor === undefined) {
      ancestor = adm === parseGeoIdentifier(geo).level ? geo : parentGeo(geo, adm);
      ancestorCache.set(geo, ancestor);
    }
    const groupKey = `${year}\u0000${initDate}\u0000${ancestor}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        year,
        initDate,
        geo: ancestor,
        nGeos: 0,
        area: 0,
        sums: new Float64Array(columns.length),
        known: new Float64Array(columns.length),
        unknown: new Uint8Array(columns.length),
      };
      groups.set(groupKey, group);
    }
    group.nGeos++;
    group.area += area;
    columns.forEach((column, c) => {
      const value = rows.values[column][i];
      if (value === null || value === undefined || Number.isNaN(value)) {
        group.unknown[c] = 1;
        return;
      }
      if (!Number.isFinite(value))
        throw new ContractError(
          `aggregate: column ${column} of ${geo} (year ${year}) is ${String(value)}; values must be finite or unknown (null)`,
        );
      group.sums[c] = (group.sums[c] as number) + value * area;
      group.known[c] = (group.known[c] as number) + area;
    });
  }

  const out = [...groups.values()].map((g): AggregatedRow<C> => {
    const values = {} as Record<C, number | null>;
    const knownArea = {} as Record<C, number>;
    columns.forEach((column, c) => {
      const known = g.known[c] as number;
      values[column] = known > 0 && !(propagate && g.unknown[c]) ? (g.sums[c] as number) / known : null;
      knownArea[column] = known;
    });
    return {
      year: g.year,
      init_date: g.initDate,
      geo_identifier: g.geo,
      n_geos: g.nGeos,
      area_harvested_ha: g.area,
      values,
      known_area_ha: knownArea,
    };
  });
  return out.sort(
    (a, b) => a.year - b.year || a.init_date - b.init_date || compareGeo(a.geo_identifier, b.geo_identifier),
  );
}

/** One (geo, year) of a yield table: observed yield and harvested area, and production where the source has it. */
export interface YieldRecordColumns {
  geo_identifier: ArrayLike<string>;
  year: ArrayLike<number>;
  yield_kg_ha: ArrayLike<number | null>;
  area_harvested_ha: ArrayLike<number | null>;
  /** Production in kg, when the source reports it; otherwise yield × area. */
  production_kg?: ArrayLike<number | null>;
}

export interface AllCountyActual {
  year: number;
  geo_identifier: string;
  /** `<source>_actual_area_weighted_all`: Σ yield·area / Σ area over every county with a known yield and a positive area. */
  area_weighted_all: number | null;
  /**
   * `<source>_actual_prod_div_area_all`: Σ production / Σ area over every county with a known production (or
   * yield) and a positive area. Without a production column production is yield × area and the two agree.
   */
  prod_div_area_all: number | null;
  /** Counties behind the area-weighted value. */
  n_geos: number;
}

/**
 * The all-county actuals of the ADM0 delivery (pipeline.md → DELIVER): not limited to the modelled universe — every
 * ADM2 row of the yield table (rows of other levels are ignored) aggregated to `level` per year. Rows sorted by year, then geo.
 */
export function allCountyActuals(table: YieldRecordColumns, level: Level = 0): AllCountyActual[] {
  const adm = levelNumber(level);
  const groups = new Map<
    string,
    {
      year: number;
      geo: string;
      yieldArea: number;
      area: number;
      production: number;
      productionArea: number;
      n: number;
    }
  >();
  for (let i = 0; i < table.geo_identifier.length; i++) {
    const geo = table.geo_identifier[i] as string;
    const parsed = parseGeoIdentifier(geo);
    if (parsed.level !== 2) continue; // only counties count: state or national rows of the table would count twice
    const year = table.year[i] as number;
    const area = table.area_harvested_ha[i];
    if (area === null || area === undefined || !(area > 0) || !Number.isFinite(area)) continue;
    const y = table.yield_kg_ha[i];
    const p = table.production_kg?.[i];
    const ancestor = parentGeo(geo, adm);
    const key = `${year}\u0000${ancestor}`;
    let g = groups.get(key);
    if (!g)
      groups.set(key, (g = { year, geo: ancestor, yieldArea: 0, area: 0, production: 0, productionArea: 0, n: 0 }));
    const knownYield = y !== null && y !== undefined && Number.isFinite(y);
    if (knownYield) {
      g.yieldArea += y * area;
      g.area += area;
      g.n++;
    }
    const production = p !== null && p !== undefined && Number.isFinite(p) ? p : knownYield ? y * area : undefined;
    if (production !== undefined) {
      g.production += production;
      g.productionArea += area;
    }
  }
  return [...groups.values()]
    .map((g) => ({
      year: g.year,
      geo_identifier: g.geo,
      area_weighted_all: g.area > 0 ? g.yieldArea / g.area : null,
      prod_div_area_all: g.productionArea > 0 ? g.production / g.productionArea : null,
      n_geos: g.n,
    }))
    .sort((a, b) => a.year - b.year || compareGeo(a.geo_identifier, b.geo_identifier));
}
