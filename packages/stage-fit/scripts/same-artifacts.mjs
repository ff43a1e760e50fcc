#!/usr/bin/env node
// Byte-identity check for speed work on FIT: fits the same config with a reference build of this bin (--before, e.g.
// a `git worktree` of main, built) and with this package's build, each into its own fresh run directory, and
// compares the sha256 of every file of the two run directories. FIT's manifests differ only in their times
// (started_at, finished_at), which are left out of their comparison; `_rundir.json` and `_manifests/create.json`
// (written by createRunDir, with the run id and creation time) are not compared. Exit 1 when any file differs.
//   INPUT_DATA_DIR=/data node scripts/same-artifacts.mjs configs/corn_usa.yaml \
//     --before /tmp/fit-before/packages/stage-fit/dist/bin.js [--regressions ridge,pca_ridge,gbdt] [--detrend linear_county] [--jobs 1,2]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { REGRESSION_PARAMS } from './regressionParams.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    before: { type: 'string' },
    regressions: { type: 'string', default: 'ridge,pca_ridge,gbdt' },
    detrend: { type: 'string', default: 'linear_county' },
    jobs: { type: 'string', default: '1' },
  },
});
if (!values.before) throw new Error('--before <reference build of dist/bin.js> is required');
const configPath = positionals[0] ?? 'configs/corn_usa.yaml';
const yaml = readFileSync(configPath, 'utf8');
const after = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const PARAMS = REGRESSION_PARAMS;

/** Every file under `dir` by relative path → sha256 (manifests without their times). */
function digests(dir) {
  const out = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const rel = relative(dir, path);
    if (rel === '_rundir.json' || rel === '_manifests/create.json') continue;
    let bytes = readFileSync(path);
    if (rel.startsWith('_manifests/')) {
      const { started_at, finished_at, ...rest } = JSON.parse(bytes.toString('utf8'));
      bytes = Buffer.from(JSON.stringify(rest));
    }
    out.set(rel, createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

function runFit(bin, runDir, jobs) {
  const r = spawnSync(process.execPath, [bin, '--run-dir', runDir, '--jobs', jobs], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} failed on ${runDir}: ${r.stderr}`);
}

let differing = 0;
for (const regression of values.regressions.split(',')) {
  const text = yaml.replace(
    /^model:\n(?: {2}.*\n)+/m,
    `model:\n  detrend: ${values.detrend}\n  detrend_params: {start_year: 1990}\n  regression: ${regression}\n  regression_params: ${PARAMS[regression]}\n`,
  );
  const config = resolveConfigText(text, { where: configPath });
  for (const jobs of values.jobs.split(',')) {
    const { runDir: beforeDir } = await createRunDir(config);
    runFit(values.before, beforeDir, '1');
    const { runDir: afterDir } = await createRunDir(config);
    runFit(after, afterDir, jobs);
    const a = digests(beforeDir);
    const b = digests(afterDir);
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    const diff = paths.filter((p) => a.get(p) !== b.get(p));
    differing += diff.length;
    console.log(
      `${values.detrend} + ${regression}, --jobs ${jobs}: ${paths.length} files, ${diff.length} differ${diff.length ? `: ${diff.join(', ')}` : ''} (${beforeDir} vs ${afterDir})`,
    );
  }
}
process.exitCode = differing > 0 ? 1 : 0;
