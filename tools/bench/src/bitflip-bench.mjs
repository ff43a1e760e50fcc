// Every single-bit flip of Parquet inputs, as the contract writes them: how many still decode without error, and
// how many of those decode to other values than the original (a silent change). Issue 7's yardstick for page
// checksums. The files (e.g. an example's data/example/yields.parquet and static.parquet) are read, re-encoded by
// the contract under test, then each bit of the re-encoded bytes is flipped and decoded.
//
//   node src/bitflip-bench.mjs <yields.parquet> [<static.parquet> …]
//
// CONTRACT_IO_MODULE / CONTRACT_SCHEMAS_MODULE point at another build (e.g. main's dist/io.js and dist/schemas.js).
import { readFileSync } from 'node:fs';

const io = await import(process.env.CONTRACT_IO_MODULE ?? '@commodity-hindcast/rundir-contract/io');
const { yieldTableSchema, staticFeatureTableSchema } = await import(
  process.env.CONTRACT_SCHEMAS_MODULE ?? '@commodity-hindcast/rundir-contract/schemas'
);

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node src/bitflip-bench.mjs <yields.parquet> [<static.parquet> …]');
  process.exit(2);
}

/** The frame's values as one string (NaN spelled out, so that it compares equal to itself). */
const canonical = (frame) =>
  JSON.stringify(
    frame.columnNames.map((name) =>
      Array.from(frame.columns[name], (v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)),
    ),
  );

let total = 0;
let decoded = 0;
let changed = 0;
for (const file of files) {
  const schema = file.includes('yields') ? yieldTableSchema : staticFeatureTableSchema;
  const frame = io.decodeParquet(new Uint8Array(readFileSync(file)), schema, file);
  const bytes = io.encodeParquet(frame, schema);
  const original = canonical(io.decodeParquet(bytes, schema, file));
  let fileDecoded = 0;
  let fileChanged = 0;
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const flipped = bytes.slice();
    flipped[bit >> 3] ^= 1 << (bit & 7);
    let back;
    try {
      back = io.decodeParquet(flipped, schema, file);
    } catch {
      continue;
    }
    fileDecoded++;
    if (canonical(back) !== original) fileChanged++;
  }
  console.log(
    `${file}: ${bytes.length} bytes, ${bytes.length * 8} flips: ${fileDecoded} decode without error, ${fileChanged} of them to other values`,
  );
  total += bytes.length * 8;
  decoded += fileDecoded;
  changed += fileChanged;
}
console.log(`all: ${total} flips: ${decoded} decode without error, ${changed} of them to other values`);
