// Runs inside a consumer folder with the OLDER contract installed: creates a run directory for the example
// config and writes one forecast slice the way FORECAST does (the season's indices with observations up to
// init − lag_days, then its manifest). A newer contract minor must read what this writes.
import { isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { loadConfig } from '@commodity-hindcast/rundir-contract/config';
import { readIndexStore, writeIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { forecastIndicesPath, forecastScope, runPath } from '@commodity-hindcast/rundir-contract/layout';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { CONTRACT_PACKAGE, CONTRACT_VERSION } from '@commodity-hindcast/rundir-contract/version';

const [configPath, indicesPath, seasonYear, initDate] = process.argv.slice(2);
const slice = { seasonYear: Number(seasonYear), initDate };
const config = await loadConfig({ configPath });
const { runDir, runId } = await createRunDir(config);

// The season year's days only: the slice store reaches harvest, and its days after the cutoff stand in for
// the climatology FORECAST appends.
const all = await readIndexStore(indicesPath);
const first = isoToEpochDay(`${seasonYear}-01-01`);
const last = isoToEpochDay(`${seasonYear}-12-31`);
const keep = [];
for (let t = 0; t < all.time.length; t++) if (all.time[t] >= first && all.time[t] <= last) keep.push(t);
const nTime = all.time.length;
const variables = {};
for (const [name, variable] of Object.entries(all.variables)) {
  const data = new Float32Array(all.geoIdentifiers.length * keep.length);
  for (let g = 0; g < all.geoIdentifiers.length; g++) {
    for (let k = 0; k < keep.length; k++) data[g * keep.length + k] = variable.data[g * nTime + keep[k]];
  }
  variables[name] = { ...variable, data };
}
const cutoff = new Date(Date.parse(`${initDate}T00:00:00Z`) - config.commodity.lag_days * 86_400_000)
  .toISOString()
  .slice(0, 10);
await writeIndexStore(runPath(runDir, forecastIndicesPath(slice)), {
  geoIdentifiers: all.geoIdentifiers,
  time: Int32Array.from(keep.map((t) => all.time[t])),
  variables,
  observedUntil: cutoff,
  source: `${all.source} (forecast slice ${seasonYear} ${initDate})`,
});
await writeManifest({
  runDir,
  stage: 'forecast',
  scope: forecastScope(slice),
  package: { name: '@commodity-hindcast/release-test', version: '0.0.0' },
  startedAt: new Date(),
  files: [forecastIndicesPath(slice)],
});
console.log(JSON.stringify({ runDir, runId, contractVersion: CONTRACT_VERSION, contractPackage: CONTRACT_PACKAGE }));
