import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { readCsv } from '@commodity-hindcast/rundir-contract/io';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { DeliverError } from '../DeliverError.js';

const REQUIRED = ['commodity', 'report_date', 'season_year', 'projected_yield', 'unit', 'year_status'] as const;
const UNIT_OF: Record<string, string> = { bu_acre: 'bu/acre', lbs_acre: 'lbs/acre' };

/** WASDE headline forecasts of one commodity: season year → (report date, forecast) ascending by report date. */
export class WasdeVintages {
  private constructor(
    private readonly bySeason: ReadonlyMap<number, readonly { reportDate: string; value: number }[]>,
    readonly location: Location,
  ) {}

  /**
   * Reads the vintages CSV (`../shared/data/wasde/us_corn_soy_yield_vintages.csv` layout): the rows of the config's
   * commodity whose `year_status` is `projection` — each report's headline forecast for the current season. The
   * forecasts must be in the delivery unit (`bu/acre` for bu_acre); anything else is refused naming the row.
   */
  static async read(location: Location, config: ResolvedConfig, store: Store): Promise<WasdeVintages> {
    const csv = await readCsv(location, { store });
    const index = Object.fromEntries(REQUIRED.map((name) => [name, csv.header.indexOf(name)])) as Record<(typeof REQUIRED)[number], number>;
    const absent = REQUIRED.filter((name) => index[name] < 0);
    if (absent.length > 0) {
      throw new DeliverError(`reference_data wasde (${location}): no column ${absent.join(', ')}; give the WASDE vintages file (columns ${REQUIRED.join(', ')})`);
    }
    const commodity = config.commodity.commodity;
    const unit = UNIT_OF[config.commodity.delivery_unit] as string;
    const bySeason = new Map<number, { reportDate: string; value: number }[]>();
    csv.rows.forEach((cells, r) => {
      if (cells[index.commodity] !== commodity || cells[index.year_status] !== 'projection') return;
      const at = `reference_data wasde (${location}): line ${csv.lineOf(r)}`;
      const reportDate = cells[index.report_date] as string;
      const season = Number(cells[index.season_year]);
      const value = Number(cells[index.projected_yield]);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(reportDate) || !Number.isInteger(season) || !Number.isFinite(value) || (cells[index.projected_yield] ?? '').trim() === '') {
        throw new DeliverError(`${at}: expected report_date YYYY-MM-DD, an integer season_year and a numeric projected_yield, found ${JSON.stringify([reportDate, cells[index.season_year], cells[index.projected_yield]])}; fix the row`);
      }
      if (cells[index.unit] !== unit) throw new DeliverError(`${at}: unit ${JSON.stringify(cells[index.unit])}, expected ${JSON.stringify(unit)} (commodity.delivery_unit ${config.commodity.delivery_unit}); convert the file`);
      const list = bySeason.get(season) ?? [];
      bySeason.set(season, list);
      list.push({ reportDate, value });
    });
    for (const list of bySeason.values()) list.sort((a, b) => (a.reportDate < b.reportDate ? -1 : 1));
    return new WasdeVintages(bySeason, location);
  }

  /**
   * The latest headline forecast for `seasonYear` published on or before `initDate`; null when none was published
   * yet (WASDE's first projection of a season comes in May). A season the file does not cover at all is a missing
   * vintage: an error naming the season, not an empty column.
   */
  inSeason(seasonYear: number, initDate: string): number | null {
    const list = this.bySeason.get(seasonYear);
    if (!list) {
      const seasons = [...this.bySeason.keys()].sort((a, b) => a - b);
      throw new DeliverError(
        `reference_data wasde (${this.location}): no projection for season ${seasonYear} (seasons present: ${seasons.length > 0 ? `${seasons[0]}–${seasons.at(-1)}` : 'none'}); give a vintages file that covers every delivered season`,
      );
    }
    let found: number | null = null;
    for (const v of list) {
      if (v.reportDate > initDate) break;
      found = v.value;
    }
    return found;
  }
}
