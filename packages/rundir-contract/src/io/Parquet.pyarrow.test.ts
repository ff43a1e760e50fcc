import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkForwardPredsSchema } from '../schemas/Tables.js';
import type { Frame } from '../schemas/TableSchema.js';
import { readParquet, writeParquet } from './Parquet.js';

// A second, independent reader (Apache Arrow's C++ Parquet reader through pyarrow) for the files the contract
// writes, in particular the multi-row-group files the parallel writer assembles by rewriting footers.
const hasPyarrow = spawnSync('python3', ['-c', 'import pyarrow.parquet'], { stdio: 'ignore' }).status === 0;
const SKIP = hasPyarrow ? '' : ' (SKIPPED: python3 cannot import pyarrow; pip install pyarrow)';

const PYTHON = `
import json, math, sys
import pyarrow.parquet as pq
import pyarrow.compute as pc
path = sys.argv[1]
f = pq.ParquetFile(path, page_checksum_verification=True)
t = pq.read_table(path, page_checksum_verification=True)
out = {
  "types": {field.name: str(field.type) for field in t.schema},
  "nullable": {field.name: field.nullable for field in t.schema},
  "rows": t.num_rows,
  "row_groups": f.metadata.num_row_groups,
  "row_group_rows": sum(f.metadata.row_group(i).num_rows for i in range(f.metadata.num_row_groups)),
  "year_sum": pc.sum(t["year"]).as_py(),
  "init_min": str(pc.min(t["init_date"]).as_py()),
  "init_max": str(pc.max(t["init_date"]).as_py()),
  "obs_nulls": t["obs_yield_kg_ha"].null_count,
  "obs_sum": pc.sum(t["obs_yield_kg_ha"]).as_py(),
  "sim_sum": pc.sum(t["sim_yield_kg_ha"]).as_py(),
  "geo_distinct": len(pc.unique(t["geo_identifier"])),
  "last_geo": t["geo_identifier"][t.num_rows - 1].as_py(),
  "rows_2019": pq.read_table(path, filters=[("year", "=", 2019)], page_checksum_verification=True).num_rows,
}
print(json.dumps(out))
`;

const ROWS = 600_000; // above the parallel writer's threshold: several row groups assembled into one file
const DAY = 86_400_000;

function predictions(): Frame {
  const year = new Int32Array(ROWS);
  const initDate = new Int32Array(ROWS);
  const geo: string[] = new Array(ROWS);
  const fold: string[] = new Array(ROWS);
  const obs = new Float64Array(ROWS);
  const obsNulls = new Uint8Array(ROWS);
  const trend = new Float64Array(ROWS);
  const detrended = new Float64Array(ROWS);
  const sim = new Float64Array(ROWS);
  const area = new Float64Array(ROWS);
  const first = Date.UTC(2000, 4, 1) / DAY;
  for (let i = 0; i < ROWS; i++) {
    const y = 2000 + Math.floor(i / 30_000); // 20 years
    const g = Math.floor((i % 30_000) / 10); // 3,000 geos
    year[i] = y;
    initDate[i] = first + (y - 2000) * 365 + 7 * (i % 10);
    geo[i] = `ADM0:USA/ADM1:iowa/ADM2:county ${g} é`;
    fold[i] = String(y);
    obs[i] = 9000 + (i % 997);
    obsNulls[i] = i % 13 === 0 ? 1 : 0;
    trend[i] = 10_000 + g;
    detrended[i] = (i % 101) - 50;
    sim[i] = trend[i]! + detrended[i]!;
    area[i] = 100 + (i % 7);
  }
  return {
    numRows: ROWS,
    columnNames: walkForwardPredsSchema.columns.map((c) => c.name),
    columns: {
      year,
      geo_identifier: geo,
      init_date: initDate,
      fold,
      obs_yield_kg_ha: obs,
      trend_kg_ha: trend,
      sim_yield_kg_ha_detrended: detrended,
      sim_yield_kg_ha: sim,
      area_harvested_ha: area,
    },
    nulls: { obs_yield_kg_ha: obsNulls },
  };
}

describe(`Parquet read by pyarrow${SKIP}`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-pyarrow-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasPyarrow)(
    'reads a parallel-written multi-row-group file with the layout types, nulls and values',
    async () => {
      const frame = predictions();
      const file = path.join(dir, 'walk_forward_preds.parquet');
      await writeParquet(file, frame, walkForwardPredsSchema, { parallel: true, rowGroupRows: 150_000 });
      const run = spawnSync('python3', ['-c', PYTHON, file], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const out = JSON.parse(run.stdout) as Record<string, unknown>;

      // Independent sums from the frame itself.
      const c = frame.columns;
      const mask = frame.nulls!.obs_yield_kg_ha!;
      let yearSum = 0;
      let obsSum = 0;
      let obsNulls = 0;
      let simSum = 0;
      let rows2019 = 0;
      for (let i = 0; i < ROWS; i++) {
        yearSum += (c.year as Int32Array)[i]!;
        simSum += (c.sim_yield_kg_ha as Float64Array)[i]!;
        if (mask[i]) obsNulls++;
        else obsSum += (c.obs_yield_kg_ha as Float64Array)[i]!;
        if ((c.year as Int32Array)[i] === 2019) rows2019++;
      }
      expect(out.types).toEqual({
        year: 'int32',
        geo_identifier: 'string',
        init_date: 'date32[day]',
        fold: 'string',
        obs_yield_kg_ha: 'double',
        trend_kg_ha: 'double',
        sim_yield_kg_ha_detrended: 'double',
        sim_yield_kg_ha: 'double',
        area_harvested_ha: 'double',
      });
      expect((out.nullable as Record<string, boolean>).obs_yield_kg_ha).toBe(true);
      expect((out.nullable as Record<string, boolean>).year).toBe(false);
      expect(out.rows).toBe(ROWS);
      expect(out.row_groups).toBeGreaterThan(1);
      expect(out.row_group_rows).toBe(ROWS);
      expect(out.year_sum).toBe(yearSum);
      expect(out.obs_nulls).toBe(obsNulls);
      expect(out.obs_sum as number).toBeCloseTo(obsSum, 3);
      expect(out.sim_sum as number).toBeCloseTo(simSum, 3);
      expect(out.init_min).toBe('2000-05-01');
      expect(out.init_max).toBe(
        new Date(((c.init_date as Int32Array)[ROWS - 1]! + 0) * DAY).toISOString().slice(0, 10),
      );
      expect(out.geo_distinct).toBe(3000);
      expect(out.last_geo).toBe('ADM0:USA/ADM1:iowa/ADM2:county 2999 é');
      expect(out.rows_2019).toBe(rows2019);
    },
  );

  it.skipIf(!hasPyarrow)(
    'pyarrow verifies the page checksums: it reads the file, and refuses it with one bit flipped in a page',
    async () => {
      const file = path.join(dir, 'flipped.parquet');
      const n = 20_000;
      const frame = predictions();
      const small: Frame = {
        numRows: n,
        columnNames: frame.columnNames,
        columns: Object.fromEntries(
          Object.entries(frame.columns).map(([name, values]) => [name, (values as Float64Array).slice(0, n)]),
        ),
        nulls: { obs_yield_kg_ha: frame.nulls!.obs_yield_kg_ha!.slice(0, n) },
      };
      await writeParquet(file, small, walkForwardPredsSchema, { parallel: false });
      // Flip one bit in the last byte of the sim_yield_kg_ha column chunk (the end of its last page's values).
      const flip = `
import sys
import pyarrow.parquet as pq
path = sys.argv[1]
pq.read_table(path, page_checksum_verification=True)
meta = pq.ParquetFile(path).metadata.row_group(0)
column = next(meta.column(i) for i in range(meta.num_columns) if meta.column(i).path_in_schema == "sim_yield_kg_ha")
end = (column.dictionary_page_offset or column.data_page_offset) + column.total_compressed_size
data = bytearray(open(path, "rb").read())
data[end - 1] ^= 0x04
open(path, "wb").write(bytes(data))
try:
    pq.read_table(path, page_checksum_verification=True)
    print("read")
except OSError as error:
    print("refused:", error)
`;
      const run = spawnSync('python3', ['-c', flip, file], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^refused: .*CRC/);
      await expect(readParquet(file, walkForwardPredsSchema)).rejects.toThrow(
        /page \d+ of column "sim_yield_kg_ha" \(row group 0, byte \d+\) fails its CRC-32 check/,
      );
    },
  );
});
