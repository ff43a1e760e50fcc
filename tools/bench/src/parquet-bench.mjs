// Parquet write and read of a 1,000,000-row prediction table (walk_forward_preds) through the contract, against
// DuckDB doing the same work: COPY ... TO parquet for the write, and read_parquet materialised into JS columns for
// the read. Prints the median of 3 runs (after one warm-up), the ratios contract / DuckDB, and the load average
// before and after (the machine's other work moves every number).
//
// Needs the contract built (`pnpm build`); `pnpm bench` at the repository root builds it first through turbo.
// BENCH_ROWS sets the row count; CONTRACT_IO_MODULE points at another build of the io entry (e.g. a local bundle).
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { maskedPredictions, predictions, walkForwardPreds as schema } from './predictions.mjs';

const { writeParquet, readParquet } = await import(
  process.env.CONTRACT_IO_MODULE ?? '@commodity-hindcast/rundir-contract/io'
);

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = 3;

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/**
 * DuckDB's read, materialised into JS columns the way the contract's frame holds them: typed arrays for numbers
 * and dates (days), arrays for strings and for columns with nulls. Uses the public chunk/vector API.
 */
async function duckdbReadColumns(connection, file) {
  const result = await connection.run(`SELECT * FROM read_parquet('${file}')`);
  const n = result.rowCount;
  const names = result.columnNames();
  const columns = names.map((name) =>
    name === 'year' || name === 'init_date'
      ? new Int32Array(n)
      : name === 'geo_identifier' || name === 'fold' || name === 'obs_yield_kg_ha'
        ? new Array(n)
        : new Float64Array(n),
  );
  let offset = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const rows = chunk.rowCount;
    for (let k = 0; k < names.length; k++) {
      const vector = chunk.getColumnVector(k);
      const out = columns[k];
      if (names[k] === 'init_date') {
        for (let i = 0; i < rows; i++) out[offset + i] = vector.getItem(i).days;
      } else {
        for (let i = 0; i < rows; i++) out[offset + i] = vector.getItem(i);
      }
    }
    offset += rows;
  }
  return Object.fromEntries(names.map((name, k) => [name, columns[k]]));
}

/**
 * Times each task RUNS times after one warm-up (JIT, wasm tier-up, DuckDB's first allocations), taking turns
 * between them so that load from other processes falls on all alike; returns each task's median and runs.
 */
async function timeInTurns(tasks) {
  for (const run of Object.values(tasks)) await run();
  const times = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const [name, run] of Object.entries(tasks)) {
      const start = performance.now();
      await run();
      times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, runs]) => [
      name,
      { median: [...runs].sort((a, b) => a - b)[Math.floor(RUNS / 2)], times: runs },
    ]),
  );
}

function checksum(columns) {
  let years = 0;
  let obs = 0;
  let nulls = 0;
  let chars = 0;
  for (let i = 0; i < columns.year.length; i++) {
    years += columns.year[i];
    chars += columns.geo_identifier[i].length + columns.fold[i].length;
    if (columns.obs_yield_kg_ha[i] === null) nulls++;
    else obs += columns.obs_yield_kg_ha[i];
  }
  return `${years}/${nulls}/${chars}/${obs.toFixed(3)}`;
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-bench-'));
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  const threads = (await connection.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJS()[0].t;
  console.log(
    `Parquet benchmark: ${ROWS.toLocaleString('en')} rows of walk_forward_preds (9 columns), snappy, median of ${RUNS} runs`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, DuckDB threads=${threads}; load average before: ${load()}\n`,
  );

  const frame = predictions(ROWS);
  const masked = maskedPredictions(frame);
  const ours = path.join(dir, 'contract.parquet');
  const theirs = path.join(dir, 'duckdb.parquet');

  // DuckDB writes the same rows, loaded into an in-memory table outside the timing.
  await writeParquet(ours, frame, schema);
  await connection.run(`CREATE TABLE preds AS SELECT * FROM read_parquet('${ours}')`);
  const writes = await timeInTurns({
    contract: () => writeParquet(ours, frame, schema, { compression: 'snappy' }),
    duckdb: () => connection.run(`COPY preds TO '${theirs}' (FORMAT parquet, COMPRESSION snappy)`),
    masked: () => writeParquet(ours, masked, schema, { compression: 'snappy' }),
    intermediate: () => writeParquet(ours, frame, schema, { compression: 'snappy', durable: false }),
    serial: () => writeParquet(ours, frame, schema, { compression: 'snappy', parallel: false }),
  });
  await writeParquet(ours, frame, schema);

  let contractFrame;
  let duckdbColumns;
  const reads = await timeInTurns({
    contract: async () => {
      contractFrame = await readParquet(ours, schema);
    },
    duckdb: async () => {
      duckdbColumns = await duckdbReadColumns(connection, theirs);
    },
    duckdbQuery: () => connection.run(`SELECT * FROM read_parquet('${theirs}')`),
  });
  // parquet-wasm runs on one thread; DuckDB on one thread too, for reference.
  await connection.run('SET threads = 1');
  const single = await timeInTurns({
    write: () => connection.run(`COPY preds TO '${theirs}' (FORMAT parquet, COMPRESSION snappy)`),
    read: () => duckdbReadColumns(connection, theirs),
  });
  await connection.run(`SET threads = ${threads}`);
  const [contractWrite, duckdbWrite] = [writes.contract, writes.duckdb];
  const [contractRead, duckdbRead, duckdbQuery] = [reads.contract, reads.duckdb, reads.duckdbQuery];

  const same =
    checksum(contractFrame.columns) === checksum(duckdbColumns) && checksum(frame.columns) === checksum(duckdbColumns);
  const sizes = [(await fs.stat(ours)).size, (await fs.stat(theirs)).size].map((b) => `${(b / 1e6).toFixed(1)} MB`);

  const fmt = (ms) => `${ms.median.toFixed(0).padStart(6)} ms  (runs ${ms.times.map((t) => t.toFixed(0)).join(', ')})`;
  console.log(`write  contract writeParquet           ${fmt(contractWrite)}  file ${sizes[0]}`);
  console.log(`write  DuckDB COPY TO parquet          ${fmt(duckdbWrite)}  file ${sizes[1]}`);
  console.log(`write  contract, obs Float64Array+mask ${fmt(writes.masked)}`);
  console.log(
    `write  contract, durable: false       ${fmt(writes.intermediate)}  (an intermediate artifact a manifest vouches for: no fsync, as DuckDB's COPY)`,
  );
  console.log(`write  contract, single-threaded      ${fmt(writes.serial)}  (parallel: false)`);
  console.log(`read   contract readParquet → Frame    ${fmt(contractRead)}`);
  console.log(`read   DuckDB read_parquet → JS columns${fmt(duckdbRead)}`);
  console.log(`read   DuckDB read_parquet, no JS copy ${fmt(duckdbQuery)}  (result left in DuckDB memory)`);
  console.log(`DuckDB threads=1: write ${fmt(single.write).trim()}; read → JS columns ${fmt(single.read).trim()}`);
  console.log('');
  console.log(
    `ratio write contract/DuckDB: ${(contractWrite.median / duckdbWrite.median).toFixed(2)}× ` +
      `(obs masked ${(writes.masked.median / duckdbWrite.median).toFixed(2)}×, intermediate (durable: false) ${(writes.intermediate.median / duckdbWrite.median).toFixed(2)}×, ` +
      `single-threaded ${(writes.serial.median / duckdbWrite.median).toFixed(2)}×)`,
  );
  console.log(
    `ratio read  contract/DuckDB: ${(contractRead.median / duckdbRead.median).toFixed(2)}× (vs DuckDB without the JS copy: ${(contractRead.median / duckdbQuery.median).toFixed(2)}×)`,
  );
  console.log(
    `ratios against DuckDB threads=1: write ${(contractWrite.median / single.write.median).toFixed(2)}×, read ${(contractRead.median / single.read.median).toFixed(2)}×`,
  );
  console.log(`values equal (checksums of year, strings, obs and its nulls): ${same ? 'yes' : 'NO'}`);
  console.log(`load average after: ${load()}`);
  if (!same) process.exitCode = 1;
} finally {
  connection.closeSync();
  instance.closeSync();
  await fs.rm(dir, { recursive: true, force: true });
}
