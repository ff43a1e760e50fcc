// Runs inside a consumer folder: reads the hindcast feature tables back through the contract installed there
// (from the local registry) and prints what the test asserts on, as one JSON document.
import { readFile } from 'node:fs/promises';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitSchema, featuresPredSchema } from '@commodity-hindcast/rundir-contract/schemas';

const [featuresDir] = process.argv.slice(2);
const distinct = (frame, name) => new Set(Array.from(frame.columns[name])).size;
const fit = await readParquet(`${featuresDir}/fit.parquet`, featuresFitSchema);
const pred = await readParquet(`${featuresDir}/pred.parquet`, featuresPredSchema);
const metadata = JSON.parse(await readFile(`${featuresDir}/metadata.json`, 'utf8'));
// Init dates are calendar dates, so they differ by season: count (season, init date) pairs.
const years = Array.from(pred.columns.year);
const inits = Array.from(pred.columns.init_date);
const seasonInits = new Set(years.map((y, i) => `${y} ${inits[i]}`)).size;
const rowsPerGeo = new Map();
for (const geo of pred.columns.geo_identifier) rowsPerGeo.set(geo, (rowsPerGeo.get(geo) ?? 0) + 1);
const fitYieldNulls = Array.from(fit.columns.yield_kg_ha).filter(
  (v, i) => v === null || fit.nulls?.yield_kg_ha?.[i] === 1,
).length;
console.log(
  JSON.stringify({
    fit: {
      rows: fit.numRows,
      geos: distinct(fit, 'geo_identifier'),
      years: distinct(fit, 'year'),
      yieldNulls: fitYieldNulls,
    },
    pred: {
      rows: pred.numRows,
      geos: distinct(pred, 'geo_identifier'),
      years: distinct(pred, 'year'),
      seasonInits,
      rowsPerGeo: [...new Set(rowsPerGeo.values())],
    },
    metadataRows: { fit: metadata.tables?.fit?.rows, pred: metadata.tables?.pred?.rows },
  }),
);
