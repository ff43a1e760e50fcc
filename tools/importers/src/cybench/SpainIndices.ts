import { compareGeo, type EpochDay, epochDayToIso } from '@commodity-hindcast/rundir-contract/domain';
import type { IndexStoreData, IndexVariable } from '@commodity-hindcast/rundir-contract/io';
import type { CropSelection } from '../csv/CropSelection.js';
import type { CsvInput } from '../csv/CsvInput.js';
import { readSpainNuts3, spainProvinceGeo } from '../geo/SpainProvinces.js';
import { ImportError } from '../ImportError.js';
import type { ImportTally } from '../report/ImportTally.js';
import { type CompositePeriod, DEKAD, MODIS_8_DAY } from './CompositePeriod.js';

/** How a source column's numbers become the stored variable, chosen from the values the file holds. */
export interface IndexScale {
  /** A sentence for the report and the variable's long_name. */
  description: string;
  /** The stored value of a source value, or undefined when the source value is a fill or flag (dropped). */
  convert(value: number): number | undefined;
  /** Why convert() refused a value, for the drop reason. */
  refused: string;
}

/**
 * NDVI in the CY-Bench Spain files comes from the MOD09CMG 8-day product, byte-scaled: NDVI = (v − 50) / 200 for
 * v in 50..250 (CY-Bench's MOD09CMG data card), below 50 fill values. The Spain file holds 0 and 77–226.75: every
 * valid value maps to NDVI 0.135–0.884 (cropland), and the 52 zeros are one whole date (2018-08-05, every
 * province) without a composite, dropped rather than read as NDVI −0.25. A file already in NDVI units (every
 * value within −1..1) is kept as it is.
 */
function ndviScale(max: number, min: number, where: string): IndexScale {
  if (min >= -1 && max <= 1) {
    return { description: 'NDVI as given (the file is already in NDVI units, −1..1)', convert: (v) => v, refused: '' };
  }
  if (min >= 0 && max <= 255) {
    return {
      description: 'NDVI = (v − 50) / 200 from the byte-scaled MOD09CMG source (valid v 50..250)',
      convert: (v) => (v >= 50 && v <= 250 ? (v - 50) / 200 : undefined),
      refused: 'ndvi byte value outside the valid 50..250 (fill value, no composite)',
    };
  }
  throw new ImportError(
    `${where}: column "ndvi" holds values from ${min} to ${max}, neither NDVI (−1..1) nor byte-scaled (0..255); convert the file to one of them`,
  );
}

/**
 * fAPAR in the CY-Bench files is a percentage (the Spain file: 6–84.1); it is stored as the fraction 0..1,
 * the unit of fAPAR products and of CY-Bench's own US feature `avgFAPARp2`. A file already in fractions
 * (every value within 0..1) is kept.
 */
function fparScale(max: number, min: number, where: string): IndexScale {
  if (min >= 0 && max <= 1)
    return { description: 'fAPAR fraction as given (the file is already 0..1)', convert: (v) => v, refused: '' };
  if (min >= 0 && max <= 100) {
    return { description: 'fAPAR fraction = percent / 100', convert: (v) => v / 100, refused: '' };
  }
  throw new ImportError(
    `${where}: column "fpar" holds values from ${min} to ${max}, neither a fraction (0..1) nor a percentage (0..100); convert the file to one of them`,
  );
}

/** One index file of the Spain set and how to read it. */
export interface SpainIndexFile {
  input: CsvInput;
  crop: CropSelection;
  /** The value column, also the variable's name in the store (`ndvi`, `fpar`). */
  variable: 'ndvi' | 'fpar';
}

const LONG_NAMES: Record<SpainIndexFile['variable'], string> = {
  ndvi: 'NDVI, 8-day MOD09CMG composites averaged over the province, each dated by its last day (CY-Bench)',
  fpar: 'fAPAR, dekadal, averaged over the province, each dekad dated by its last day (CY-Bench, JRC/Copernicus)',
};

/** The period each file's composites cover; the files date them by their first day. */
const SPAIN_PERIODS: Record<SpainIndexFile['variable'], CompositePeriod> = { ndvi: MODIS_8_DAY, fpar: DEKAD };

/** Six significant digits: enough to show a value range in a note. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}

interface Observation {
  geo: string;
  /** The last day the composite covers: its time step in the store. */
  day: EpochDay;
  value: number;
}

/**
 * The file's dates as first days of composites: the dates off the product's period grid are refused when they
 * are most of the file (it is then dated some other way, e.g. by last days, and relabelling would shift every
 * value), else kept as whole periods and listed in a note.
 */
function checkPeriodStarts(
  input: CsvInput,
  period: CompositePeriod,
  starts: ReadonlyMap<EpochDay, number>,
  tally: ImportTally,
): void {
  const off = [...starts.entries()].filter(([start]) => !period.isPeriodStart(start)).sort(([a], [b]) => a - b);
  if (off.length === 0) return;
  const [firstDay, firstRow] = off[0] as [EpochDay, number];
  if (off.length * 2 > starts.size) {
    throw new ImportError(
      `${input.location}: column "date": ${off.length} of ${starts.size} dates are not ${period.starts} (e.g. line ${input.line(firstRow)}: ${epochDayToIso(firstDay)}); the importer reads each date as the first day of its composite — date the composites by their first day`,
    );
  }
  const shown = off
    .slice(0, 5)
    .map(([start]) => `${epochDayToIso(start)} → ${epochDayToIso(period.lastDay(start) as EpochDay)}`);
  tally.note(
    `${input.name}: ${off.length} of ${starts.size} dates are not ${period.starts}, kept as whole periods ending on: ${shown.join(', ')}${off.length > 5 ? ', …' : ''}`,
  );
}

/**
 * The Spain index files (`crop_name, adm_id, date (YYYYMMDD), <variable>`) → one index store. The files date
 * each composite by its first day; the store dates it by the last day it covers (NDVI: the file's date + 7, or
 * 31 December for a year's last, shorter period; fAPAR: the 10th, the 20th or the month's last day), because
 * the FEATURES stage uses a step at init date D when its time is on or before D − lag_days, and a composite
 * is observed only once its last day has passed. The time axis is the union of both variables' last days, so
 * each variable is NaN on the other's steps; the indices builder skips NaN steps, so window means, minima and
 * maxima see each variable's own observations. Geos are the provinces of any file, in code-point order.
 */
export function spainIndexStore(files: readonly SpainIndexFile[], tally: ImportTally, source: string): IndexStoreData {
  const perVariable: { variable: SpainIndexFile['variable']; scale: IndexScale; observations: Observation[] }[] = [];
  for (const { input, crop, variable } of files) {
    const period = SPAIN_PERIODS[variable];
    const raw: (Observation & { row: number; start: EpochDay })[] = [];
    const firstRowOf = new Map<string, number>();
    const firstRowEnding = new Map<string, number>();
    /** Each date of the file → its first row. */
    const starts = new Map<EpochDay, number>();
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let row = 0; row < input.rowCount; row++) {
      if (!crop.keeps(row, (reason, detail) => tally.drop(reason, detail))) continue;
      const nuts3 = readSpainNuts3(input, row, 'adm_id');
      const start = input.date(row, 'date', 'YYYYMMDD');
      const lastDay = period.lastDay(start);
      if (lastDay === undefined) {
        throw new ImportError(
          `${input.location}: line ${input.line(row)}: column "date": expected ${period.starts}, found ${JSON.stringify(input.text(row, 'date'))}; the file must date each composite by its first day`,
        );
      }
      const value = input.number(row, variable);
      const key = `${nuts3}/${start}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        throw new ImportError(
          `${input.location}: lines ${input.line(first)} and ${input.line(row)}: two ${variable} values for ${nuts3} on ${epochDayToIso(start)}; keep one`,
        );
      }
      firstRowOf.set(key, row);
      // Two composites of different dates may end on the same day (an off-grid date before a year's last period).
      const endKey = `${nuts3}/${lastDay}`;
      const sameEnd = firstRowEnding.get(endKey);
      if (sameEnd !== undefined) {
        throw new ImportError(
          `${input.location}: lines ${input.line(sameEnd)} and ${input.line(row)}: two ${variable} composites for ${nuts3} end on ${epochDayToIso(lastDay)} (dated ${epochDayToIso(input.date(sameEnd, 'date', 'YYYYMMDD'))} and ${epochDayToIso(start)}); the store dates each by its last day — keep one`,
        );
      }
      firstRowEnding.set(endKey, row);
      if (!starts.has(start)) starts.set(start, row);
      if (value === null) {
        tally.drop(`empty ${variable} cell`, `${input.at(row)}: ${nuts3} ${epochDayToIso(start)}`);
        continue;
      }
      if (value < min) min = value;
      if (value > max) max = value;
      raw.push({ row, geo: spainProvinceGeo(nuts3), start, day: lastDay, value });
    }
    checkPeriodStarts(input, period, starts, tally);
    const scale =
      raw.length === 0 ? undefined : (variable === 'ndvi' ? ndviScale : fparScale)(max, min, input.location);
    const observations: Observation[] = [];
    let firstStart = Number.POSITIVE_INFINITY;
    let lastStart = Number.NEGATIVE_INFINITY;
    for (const o of raw) {
      const stored = scale?.convert(o.value);
      if (stored === undefined) {
        tally.drop(scale?.refused ?? '', `${input.at(o.row)}: ${o.value}`);
        continue;
      }
      observations.push({ geo: o.geo, day: o.day, value: stored });
      firstStart = Math.min(firstStart, o.start);
      lastStart = Math.max(lastStart, o.start);
    }
    if (scale) tally.note(`${input.name}: values ${round(min)}..${round(max)}; ${scale.description}`);
    if (observations.length > 0) {
      const span = (a: EpochDay, b: EpochDay) => `${epochDayToIso(a)}..${epochDayToIso(b)}`;
      tally.note(
        `${input.name}: composites dated ${span(firstStart, lastStart)} by their first day, stored at their last day ${span(period.lastDay(firstStart) as EpochDay, period.lastDay(lastStart) as EpochDay)} (${period.timeCoverage})`,
      );
    }
    perVariable.push({
      variable,
      scale: scale ?? { description: 'no values', convert: () => undefined, refused: '' },
      observations,
    });
  }

  const geos = [...new Set(perVariable.flatMap((v) => v.observations.map((o) => o.geo)))].sort(compareGeo);
  const days = [...new Set(perVariable.flatMap((v) => v.observations.map((o) => o.day)))].sort((a, b) => a - b);
  const geoIndex = new Map(geos.map((g, i) => [g, i]));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const nTime = days.length;
  const variables: Record<string, IndexVariable> = {};
  for (const { variable, scale, observations } of perVariable) {
    const data = new Float32Array(geos.length * nTime).fill(Number.NaN);
    for (const o of observations)
      data[(geoIndex.get(o.geo) as number) * nTime + (dayIndex.get(o.day) as number)] = o.value;
    variables[variable] = {
      data,
      units: '1',
      longName: `${LONG_NAMES[variable]}; ${scale.description}`,
      timeCoverage: SPAIN_PERIODS[variable].timeCoverage,
    };
  }
  return { geoIdentifiers: geos, time: Int32Array.from(days), variables, observedUntil: null, source };
}
