import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
const nass = await readParquet('/tmp/fit-real/data/nass/corn_county.parquet', yieldTableSchema, { nulls: 'mask' });
const f = await readParquet('/tmp/fit-real/features/corn_usa/fit.parquet', featuresFitSchema, { nulls: 'mask' });
const byGeo = new Map();
for (let i = 0; i < nass.numRows; i++) { const y = nass.columns.yield_kg_ha[i]; if (nass.nulls?.yield_kg_ha?.[i] || !Number.isFinite(y)) continue; const g = nass.columns.geo_identifier[i]; (byGeo.get(g) ?? byGeo.set(g, []).get(g)).push([nass.columns.year[i], y]); }
const fitByGeo = new Map();
for (let i = 0; i < f.numRows; i++) { const g = f.columns.geo_identifier[i]; (fitByGeo.get(g) ?? fitByGeo.set(g, []).get(g)).push([f.columns.year[i], f.columns.yield_kg_ha[i]]); }
function ols(pts) { const n = pts.length; const mx = pts.reduce((s, p) => s + p[0], 0) / n, my = pts.reduce((s, p) => s + p[1], 0) / n; let sxx = 0, sxy = 0; for (const [x, y] of pts) { sxx += (x - mx) ** 2; sxy += (x - mx) * (y - my); } const b = sxx > 0 ? sxy / sxx : 0; return (x) => my + b * (x - mx); }
for (const [name, source, from] of [['fit rows', fitByGeo, 0], ['nass >=2000', byGeo, 2000], ['nass >=1990', byGeo, 1990], ['nass >=1980', byGeo, 1980], ['nass last 15', byGeo, -15], ['nass last 20', byGeo, -20], ['nass last 10', byGeo, -10]]) {
  let se = 0, so = 0, n = 0;
  for (let i = 0; i < f.numRows; i++) {
    const T = f.columns.year[i]; if (T < 2008) continue;
    const g = f.columns.geo_identifier[i];
    const lo = from < 0 ? T + from : from;
    const pts = (source.get(g) ?? []).filter(([y]) => y < T && y >= lo);
    if (pts.length < 2) continue;
    const pred = ols(pts)(T); const obs = f.columns.yield_kg_ha[i];
    se += (obs - pred) ** 2; so += obs; n++;
  }
  console.log(name, 'n', n, 'NRMSE', (100 * Math.sqrt(se / n) / (so / n)).toFixed(2));
}
