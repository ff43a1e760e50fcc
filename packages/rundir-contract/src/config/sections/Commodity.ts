import * as z from 'zod';
import { hindcastInitDoys } from '../../domain/SeasonCalendar.js';
import { integer, name, seasonDoy } from '../FieldSchemas.js';

/** The `commodity` section (config.md): the crop, its country, season calendar and delivery unit. */

export const COMMODITIES = ['corn', 'soybeans', 'wheat', 'cotton', 'maize'] as const;
export const DELIVERY_UNITS = ['bu_acre', 'lbs_acre'] as const;

export type Commodity = (typeof COMMODITIES)[number];

export const CommodityBlock = z
  .strictObject({
    commodity: z.enum(COMMODITIES),
    country_code: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 3166-1 alpha-3 country code in upper case, e.g. USA' }),
    season_start: z.strictObject({ month: integer(1, 12), day: integer(1, 31) }),
    season_start_year_offset: z.literal([0, -1]).default(0),
    harvest_season_doy: seasonDoy,
    bushel_weight_lbs: z.number().positive().optional(),
    delivery_unit: z.enum(DELIVERY_UNITS),
    yield_range: z.tuple([z.number().min(0), z.number().positive()]),
    actuals_source_short: name('source name').default('nass'),
    // A day count within one season (at most 366 days); crossChecks also keeps it below harvest_season_doy.
    lag_days: integer(0, 366).default(1),
    // Ascending season days up to harvest; the calendar adds the harvest day when the list stops short of it.
    // Last, so that filling the default in the transform below keeps the key order of the shape.
    hindcast_init_season_doys: z.array(seasonDoy).min(1).optional(),
  })
  .transform((c) => ({
    ...c,
    hindcast_init_season_doys: c.hindcast_init_season_doys ?? weeklyInitDoys(c.harvest_season_doy),
  }));

/** The weekly grid (1, 8, 15, …) ending at harvest, from the same function the season calendar uses. */
function weeklyInitDoys(harvestSeasonDoy: number): number[] {
  // zod runs transforms after failed bound checks too (they do not abort); the parse fails anyway then.
  if (!Number.isInteger(harvestSeasonDoy) || harvestSeasonDoy < 1 || harvestSeasonDoy > 366) return [];
  // Only the harvest day shapes the grid; the other calendar fields are placeholders here.
  return hindcastInitDoys({
    seasonStart: { month: 1, day: 1 },
    seasonStartYearOffset: 0,
    harvestSeasonDoy,
    lagDays: 0,
  });
}
