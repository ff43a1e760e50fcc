#!/usr/bin/env node
// The runs page over a base of many run directories: first load (every run read and validated), a reload, a reload
// past the listing TTL (answered from the stale listing while the base is listed again in the background), and a
// reload after one run got a new manifest (that run alone read again). Prints times; asserts nothing (not a test).
// Usage: node scripts/listing-bench.mjs [runs=500]   (after `pnpm --filter @commodity-hindcast/dashboard... build`)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { listRunDirs } from '@commodity-hindcast/rundir-contract/run';
import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { createDashboardApp } from '../dist/index.js';

const RUNS = Number(process.argv[2] ?? 500);
const root = await mkdtemp(join(tmpdir(), 'dashboard-bench-'));
try {
  const dataRoot = join(root, 'data');
  const started = performance.now();
  let last;
  for (let i = 0; i < RUNS; i++) {
    // FIT only: a run directory with a marker, a config, manifests and a few artifacts, cheap to write.
    last = await buildRunDir(dataRoot, { stages: ['fit'], now: new Date(Date.UTC(2024, 0, 1) + i * 1000) });
  }
  console.log(`built ${RUNS} run directories (conformance kit, FIT only) in ${ms(started)}`);

  const app = createDashboardApp({ runsBase: join(dataRoot, 'runs'), listingTtlMs: 1000, log: console.error });
  const load = async (label) => {
    const t = performance.now();
    const res = await app.request('/');
    const rows = ((await res.text()).match(/<tr data-run=/g) ?? []).length;
    console.log(`${label.padEnd(44)} ${ms(t).padStart(9)}  (HTTP ${res.status}, ${rows} rows on page 1)`);
    return performance.now() - t;
  };
  const first = await load('first load (every run read and validated)');
  const cached = await load('reload (listing and summaries cached)');
  await sleep(1100);
  const stale = await load('reload past the TTL (stale listing, relisting)');
  await sleep(3000);
  const before = rowOf(await (await app.request('/')).text(), last.runId);
  await writeManifest({
    runDir: last.runDir,
    stage: 'fit',
    scope: 'bench',
    package: { name: '@commodity-hindcast/stage-fit', version: '0.1.0' },
    startedAt: new Date(),
    files: ['included_geo_identifiers.txt'],
  });
  const written = performance.now();
  const t = performance.now();
  await listRunDirs(join(dataRoot, 'runs'));
  console.log(`${'one listing of the base (what a relist costs)'.padEnd(44)} ${ms(t).padStart(9)}`);
  // Poll the page until the changed run's row shows the new manifest (one more stage scope).
  let changed = 0;
  for (let i = 0; i < 120; i++) {
    const r = performance.now();
    const text = await (await app.request('/')).text();
    changed = performance.now() - r;
    if (rowOf(text, last.runId) !== before) {
      console.log(
        `${'the new manifest shows after'.padEnd(44)} ${ms(written).padStart(9)}  (that request: ${changed.toFixed(0)} ms)`,
      );
      break;
    }
    await sleep(500);
  }
  console.log(
    `yardstick: the issue asks for under 1 s after the first load (ratios to the first load: cached ${(cached / first).toFixed(4)}, ` +
      `past the TTL ${(stale / first).toFixed(4)}, with one run read again ${(changed / first).toFixed(4)})`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}

function rowOf(page, runId) {
  return page.match(new RegExp(`<tr data-run="${runId}">[\\s\\S]*?</tr>`))?.[0];
}

function sleep(msToWait) {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

function ms(since) {
  return `${(performance.now() - since).toFixed(0)} ms`;
}
