import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { FIXTURE_GEOS } from '@commodity-hindcast/rundir-contract/testing';

/** A county outside the modelled universe: it counts in the `_all` actuals only. */
const OUTSIDE_GEO = 'ADM0:USA/ADM1:iowa/ADM2:adams';

export interface YieldFixtureRow {
  geo: string;
  year: number;
  yieldKgHa: number | null;
  areaHa: number | null;
}

/** Yields and areas of every county for 2010–2020: the universe's three, one outside it, and one with area but no yield. */
function yieldFixtureRows(): YieldFixtureRow[] {
  const rows: YieldFixtureRow[] = [];
  for (let year = 2010; year <= 2020; year++) {
    FIXTURE_GEOS.forEach((geo, i) => rows.push({ geo, year, yieldKgHa: 9000 + 100 * i + (year - 2010) * 10, areaHa: 60_000 + 5_000 * i }));
    rows.push({ geo: OUTSIDE_GEO, year, yieldKgHa: 8000 + year - 2010, areaHa: 20_000 });
    rows.push({ geo: 'ADM0:USA/ADM1:iowa/ADM2:boone', year, yieldKgHa: null, areaHa: 10_000 });
  }
  return rows;
}

/** Writes the yields builder's input table where the config says, through `store`. */
export async function writeYieldTable(config: ResolvedConfig, store: Store, rows = yieldFixtureRows()): Promise<string> {
  const where = config.builders.yields?.filepath as string;
  await writeParquet(
    where,
    {
      numRows: rows.length,
      columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'],
      columns: {
        geo_identifier: rows.map((r) => r.geo),
        year: Int32Array.from(rows.map((r) => r.year)),
        yield_kg_ha: rows.map((r) => r.yieldKgHa),
        area_harvested_ha: rows.map((r) => r.areaHa),
      },
    },
    yieldTableSchema,
    { store },
  );
  return where;
}
