/** A NASS county CSV naming the counties the generated weather uses (`--county-names` for daily-weather). */
export const COUNTY_NAMES_CSV = [
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct',
  '19169,19,169,IA,STORY,corn,2020,175.0,149000.0,,26075000.0,',
  '19153,19,153,IA,POLK,corn,2020,170.0,80000.0,,13600000.0,',
  '17019,17,019,IL,CHAMPAIGN,corn,2020,201.2,300000.0,,60360000.0,',
].join('\n');

/**
 * A daily county weather CSV of the three counties above over `days` days from 2000-01-01, every value derived
 * from `base` so that two files with different bases differ in every cell of every variable.
 */
export function dailyWeatherCsv(base: number, days: number): string {
  const lines = ['geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells'];
  const start = Date.UTC(2000, 0, 1);
  for (const [g, geoid] of ['19169', '19153', '17019'].entries()) {
    for (let d = 0; d < days; d++) {
      const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      const v = base + g + (d % 7) / 8;
      lines.push(`${geoid},${date},${v + 20},${v},${v + 10},${base},8`);
    }
  }
  return `${lines.join('\n')}\n`;
}
