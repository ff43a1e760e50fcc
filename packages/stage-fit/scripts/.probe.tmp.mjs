import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { readGeoList, readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { featuresFitSchema, featureFillValuesSchema } from '@commodity-hindcast/rundir-contract/schemas';
const [detrend, regression, params, protocol] = process.argv.slice(2);
let yaml = readFileSync('../../configs/corn_usa.yaml', 'utf8').replace(/^model:\n(?:  .*\n)+/m, `model:\n  detrend: ${detrend}\n  regression: ${regression}\n  regression_params: ${params}\n`);
if (protocol) yaml = yaml.replace('  production_cumulative_threshold: 0.95\n', protocol.split(';').map((l) => `  ${l}\n`).join(''));
const config = resolveConfigText(yaml, { where: 'probe' });
const { runDir } = await createRunDir(config);
const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, 'dist/bin.js', '--run-dir', runDir], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(r.stderr);
const included = new Set(await readGeoList(`${runDir}/included_geo_identifiers.txt`));
const t = await readParquet('/tmp/fit-real/features/corn_usa/fit.parquet', featuresFitSchema, { nulls: 'mask' });
let se = 0, so = 0, n = 0, seT = 0; const nat = new Map();
for (const T of config.experiment_protocol.test_years) {
  const d = await readJson(`${runDir}/models/corn_usa/${T}/detrender.json`, { parse: (x) => x, safeParse: (x) => ({ success: true, data: x }) }).catch(async () => JSON.parse(readFileSync(`${runDir}/models/corn_usa/${T}/detrender.json`, 'utf8')));
  const m = JSON.parse(readFileSync(`${runDir}/models/corn_usa/${T}/model.json`, 'utf8'));
  const fill = await readParquet(`${runDir}/models/corn_usa/${T}/feature_fill_values.parquet`, featureFillValuesSchema);
  const fv = new Map(fill.columns.feature.map((f, i) => [f, fill.columns.value[i]]));
  const groups = new Map(d.groups.map((g) => [g.geo_identifier, g]));
  const trend = (geo, y) => { const p = geo.split('/'); for (let k = p.length; k > 0; k--) { const g = groups.get(p.slice(0, k).join('/')); if (g) return g.intercept_kg_ha + g.slope_kg_ha_per_year * (y - 1980); } };
  for (let i = 0; i < t.numRows; i++) {
    if (t.columns.year[i] !== T || !included.has(t.columns.geo_identifier[i])) continue;
    const tr = trend(t.columns.geo_identifier[i], T);
    const z = m.feature_columns.map((f, j) => { let v = t.columns[f][i]; if (v === null || Number.isNaN(v) || t.nulls?.[f]?.[i]) v = fv.get(f); return (v - m.standardisation.means[j]) / m.standardisation.scales[j]; });
    const terms = m.kind === 'ridge' ? z : m.components.map((c) => c.reduce((s, w, j) => s + w * z[j], 0));
    const det = terms.reduce((s, v, k) => s + m.coefficients[k] * v, m.intercept);
    const obs = t.columns.yield_kg_ha[i], a = t.columns.area_harvested_ha[i];
    se += (obs - tr - det) ** 2; seT += (obs - tr) ** 2; so += obs; n++;
    const y = nat.get(T) ?? { a: 0, o: 0, s: 0, st: 0 }; y.a += a; y.o += a * obs; y.s += a * (tr + det); y.st += a * tr; nat.set(T, y);
  }
}
const bu = 62.77; const mean = so / n;
const natR = (k) => Math.sqrt([...nat.values()].reduce((s, y) => s + ((y[k] - y.o) / y.a / bu) ** 2, 0) / nat.size);
console.log(`${detrend} ${regression} ${params} ${protocol ?? ''}: counties ${included.size} n ${n} trendNRMSE ${(100 * Math.sqrt(seT / n) / mean).toFixed(2)} modelNRMSE ${(100 * Math.sqrt(se / n) / mean).toFixed(2)} natTrend ${natR('st').toFixed(2)} natModel ${natR('s').toFixed(2)} 2012 ${((nat.get(2012).s - nat.get(2012).o) / nat.get(2012).a / bu).toFixed(1)} fit ${r.stderr.trim()}`);
