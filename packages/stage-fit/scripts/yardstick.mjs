#!/usr/bin/env node
// The real-data yardstick (issue 9): FIT every detrender × regressor on a config (configs/corn_usa.yaml), then score
// each fold's artifacts on its test year's end-of-season rows through the contract's evaluators — pooled county
// NRMSE = 100·RMSE/mean(obs) over all test county-years, national area-weighted RMSE (delivery unit), the 2012
// error — with FIT's wall time and peak memory (each FIT in a child process under /usr/bin/time).
//   INPUT_DATA_DIR=/data node scripts/yardstick.mjs configs/corn_usa.yaml [--jobs 2] [--detrends linear_county]
//     [--regressions ridge,pca_ridge] [--params '{alpha: 10}'] [--start-year 1990]
//     [--protocol 'production_cumulative_threshold: 1.0;min_history_years: 2']
// Build first: pnpm turbo run build --filter=@commodity-hindcast/stage-fit...
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import {
  applyFillValues,
  featureFrameFromTable,
  fillValuesFromTable,
  kgHaPerBuAcre,
  predict,
  trendFunction,
} from '@commodity-hindcast/rundir-contract/domain';
import { readGeoList, readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  detrenderPath,
  featureFillValuesPath,
  featuresFitPath,
  includedGeoIdentifiersPath,
  modelPath,
  runPath,
} from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import {
  DetrenderSchema,
  featureFillValuesSchema,
  featuresFitSchema,
  ModelSchema,
} from '@commodity-hindcast/rundir-contract/schemas';
import { REGRESSION_PARAMS } from './regressionParams.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    jobs: { type: 'string', default: '1' },
    detrends: { type: 'string', default: 'linear_state,linear_county,partial_pooling' },
    regressions: { type: 'string', default: 'ridge,pca_ridge' },
    params: { type: 'string' },
    'start-year': { type: 'string' },
    protocol: { type: 'string' },
  },
});
const configPath = positionals[0] ?? 'configs/corn_usa.yaml';
const yaml = readFileSync(configPath, 'utf8');
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const PARAMS = REGRESSION_PARAMS;

const rows = [];
for (const detrend of values.detrends.split(',')) {
  for (const regression of values.regressions.split(',')) {
    const params = values.params ?? PARAMS[regression];
    const detrendParams = values['start-year'] ? `  detrend_params: {start_year: ${values['start-year']}}\n` : '';
    let text = yaml.replace(
      /^model:\n(?: {2}.*\n)+/m,
      `model:\n  detrend: ${detrend}\n${detrendParams}  regression: ${regression}\n  regression_params: ${params}\n`,
    );
    if (values.protocol) {
      const lines = values.protocol.split(';').map((l) => `  ${l.trim()}\n`);
      const keys = lines.map((l) => l.trim().split(':')[0]);
      text = text.replace(
        /^experiment_protocol:\n((?: {2}.*\n)+)/m,
        (_, body) =>
          `experiment_protocol:\n${body
            .split(/(?<=\n)/)
            .filter((l) => !keys.includes(l.trim().split(':')[0]))
            .join('')}${lines.join('')}`,
      );
    }
    const config = resolveConfigText(text, { where: configPath });
    const { runDir } = await createRunDir(config);
    const fit = spawnSync(
      '/usr/bin/time',
      ['-f', '%e %U %S %M', process.execPath, bin, '--run-dir', runDir, '--jobs', values.jobs],
      { encoding: 'utf8' },
    );
    if (fit.status !== 0) throw new Error(`FIT failed for ${detrend} × ${regression}: ${fit.stderr}`);
    const [wall, user, sys, maxKb] = fit.stderr.trim().split('\n').pop().split(' ').map(Number);
    const score = await scoreRun(runDir, config);
    if (!rows.some((r) => r.name === `${detrend} trend only`))
      rows.push({ name: `${detrend} trend only`, ...score.trendOnly });
    rows.push({
      name: `${detrend} + ${regression} ${params}`,
      ...score.model,
      wall,
      cpu: user + sys,
      peakMb: maxKb / 1024,
    });
    process.stderr.write(`${detrend} × ${regression}: ${runDir}\n`);
  }
}
const unit = 'bu/ac';
console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${(await import('node:os')).availableParallelism()} CPUs`,
);
console.log(
  `| configuration | county NRMSE % | national RMSE ${unit} | 2012 national error ${unit} | counties | test county-years | FIT wall s | FIT CPU s | FIT peak MB |`,
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.nrmse.toFixed(2)} | ${r.nationalRmse.toFixed(2)} | ${r.error2012.toFixed(2)} | ${r.counties} | ${r.n} | ${r.wall?.toFixed(1) ?? ''} | ${r.cpu?.toFixed(1) ?? ''} | ${r.peakMb?.toFixed(0) ?? ''} |`,
  );
}

/** Scores each numeric fold on its test year's fit rows (the end-of-season rows with a known yield) in the universe. */
async function scoreRun(runDir, config) {
  const key = config.experiment_key;
  const included = new Set(await readGeoList(runPath(runDir, includedGeoIdentifiersPath())));
  const fitLocation = joinLocation(config.features_dir, featuresFitPath(key));
  const table = await readParquet(fitLocation, featuresFitSchema, { nulls: 'mask' });
  const perBuAc = kgHaPerBuAcre(config.commodity.bushel_weight_lbs);
  const acc = { trendOnly: [], model: [] };
  for (const year of config.experiment_protocol.test_years) {
    const fold = String(year);
    const detrender = await readJson(runPath(runDir, detrenderPath(key, fold)), DetrenderSchema);
    const model = await readJson(runPath(runDir, modelPath(key, fold)), ModelSchema);
    const fill = fillValuesFromTable(
      await readParquet(runPath(runDir, featureFillValuesPath(key, fold)), featureFillValuesSchema),
      'fill',
    );
    const picked = [];
    for (let i = 0; i < table.numRows; i++)
      if (table.columns.year[i] === year && included.has(table.columns.geo_identifier[i])) picked.push(i);
    const sub = featureFrameFromTable(table, model.feature_columns, fitLocation, { rows: picked });
    const trend = trendFunction(detrender);
    const detrended = predict(model, applyFillValues(sub, fill));
    const obs = picked.map((i) => table.columns.yield_kg_ha[i]);
    const area = picked.map((i) => table.columns.area_harvested_ha[i]);
    picked.forEach((_, k) => {
      const t = trend(sub.geoIdentifier[k], year);
      acc.trendOnly.push({ year, obs: obs[k], sim: t, area: area[k] });
      acc.model.push({ year, obs: obs[k], sim: t + detrended[k], area: area[k] });
    });
  }
  const summarise = (list) => {
    const n = list.length;
    const rmse = Math.sqrt(list.reduce((s, r) => s + (r.obs - r.sim) ** 2, 0) / n);
    const meanObs = list.reduce((s, r) => s + r.obs, 0) / n;
    const byYear = new Map();
    for (const r of list) {
      if (!(r.area > 0)) continue;
      const y = byYear.get(r.year) ?? { a: 0, o: 0, s: 0 };
      y.a += r.area;
      y.o += r.area * r.obs;
      y.s += r.area * r.sim;
      byYear.set(r.year, y);
    }
    const errors = [...byYear].map(([year, y]) => [year, (y.s - y.o) / y.a / perBuAc]);
    const nationalRmse = Math.sqrt(errors.reduce((s, [, e]) => s + e * e, 0) / errors.length);
    return {
      nrmse: (100 * rmse) / meanObs,
      nationalRmse,
      error2012: errors.find(([y]) => y === 2012)?.[1] ?? Number.NaN,
      n,
      counties: included.size,
    };
  };
  return { trendOnly: summarise(acc.trendOnly), model: summarise(acc.model) };
}
