import { civilToEpochDay, type EpochDay } from './EpochDay.js';

/**
 * What a value of real crop or weather data can be. A value outside is a typo or a unit mix-up (`9999-12-31`,
 * °F in a °C column), never data: importers refuse it (or drop and count it where asked), so it cannot turn into
 * a 2.9-million-day index store or a silent outlier.
 */

/** Years of crop and weather data: the same bounds for config years, import years and dates. */
export const PLAUSIBLE_YEARS = { min: 1800, max: 2200 } as const;

export const PLAUSIBLE_FIRST_DAY: EpochDay = civilToEpochDay({ year: PLAUSIBLE_YEARS.min, month: 1, day: 1 });
export const PLAUSIBLE_LAST_DAY: EpochDay = civilToEpochDay({ year: PLAUSIBLE_YEARS.max, month: 12, day: 31 });

export function isPlausibleYear(year: number): boolean {
  return Number.isInteger(year) && year >= PLAUSIBLE_YEARS.min && year <= PLAUSIBLE_YEARS.max;
}

/** A day from 1800-01-01 to 2200-12-31. */
export function isPlausibleDay(day: EpochDay): boolean {
  return Number.isInteger(day) && day >= PLAUSIBLE_FIRST_DAY && day <= PLAUSIBLE_LAST_DAY;
}

/** An inclusive physical range of a measured quantity, with its unit for messages. */
export interface PlausibleRange {
  min: number;
  max: number;
  unit: string;
}

/**
 * Daily weather: air temperatures (the records are −89.2 °C and 56.7 °C) and precipitation (the record day is
 * about 1,825 mm).
 */
export const PLAUSIBLE_WEATHER = {
  temperature: { min: -90, max: 60, unit: '°C' },
  precipitation: { min: 0, max: 2000, unit: 'mm/day' },
} as const satisfies Record<string, PlausibleRange>;

/**
 * Crop yields in kg/ha. Not the commodity's `yield_range`: that is the range predictions are clipped to (pipeline.md)
 * and a third of the real NASS county yields since 1939 lie below corn's 50 bu/ac. The upper bound is above every
 * field record (corn about 39,000 kg/ha); a larger value is a unit mix-up (lb/ac, kg per county).
 */
export const PLAUSIBLE_YIELD_KG_HA: PlausibleRange = { min: 0, max: 40_000, unit: 'kg/ha' };

export function isWithin(value: number, range: PlausibleRange): boolean {
  return value >= range.min && value <= range.max;
}

/** `-90 to 60 °C`. */
export function describeRange(range: PlausibleRange): string {
  return `${range.min.toLocaleString('en-US')} to ${range.max.toLocaleString('en-US')} ${range.unit}`;
}
