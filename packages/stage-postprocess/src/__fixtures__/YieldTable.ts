import { writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { yieldTableSchema, type Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { FIXTURE_GEOS } from '@commodity-hindcast/rundir-contract/testing';

/** Counties of the yield table outside the fixture's modelled universe (the coverage corrector's "excluded"). */
const EXCLUDED_GEOS = ['ADM0:USA/ADM1:illinois/ADM2:adams', 'ADM0:USA/ADM1:iowa/ADM2:adair'] as const;

/**
 * The reference config's yield table (`data/nass/corn_county.parquet`), 2010-2020: modelled counties yield
 * 10,000 + 100·(year − 2010) kg/ha on 60,000 ha; excluded ones 2,000 kg/ha less on 20,000 ha each. So every year
 * the coverage bias is (40,000 / 220,000) · 2,000 = 363.63… kg/ha.
 */
function yieldTableFrame(): Frame {
  const rows: { geo: string; year: number; y: number; area: number }[] = [];
  for (let year = 2010; year <= 2020; year++) {
    for (const geo of FIXTURE_GEOS) rows.push({ geo, year, y: 10_000 + 100 * (year - 2010), area: 60_000 });
    for (const geo of EXCLUDED_GEOS) rows.push({ geo, year, y: 8_000 + 100 * (year - 2010), area: 20_000 });
  }
  return {
    numRows: rows.length,
    columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'],
    columns: {
      geo_identifier: rows.map((r) => r.geo),
      year: Int32Array.from(rows.map((r) => r.year)),
      yield_kg_ha: Float64Array.from(rows.map((r) => r.y)),
      area_harvested_ha: Float64Array.from(rows.map((r) => r.area)),
    },
  };
}

export async function writeYieldTable(inputDataDir: Location, store?: Store): Promise<Location> {
  const location = joinLocation(inputDataDir, 'data/nass/corn_county.parquet');
  await writeParquet(location, yieldTableFrame(), yieldTableSchema, store ? { store } : {});
  return location;
}
