import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hindcastDeliveryPath, manifestPath, modelPath } from '../layout/RunLayout.js';
import { ExperimentResult } from '../result/ExperimentResult.js';
import { validateRunDir } from '../validate/validateRunDir.js';
import { buildRunDir } from '../testing/index.js';
import { beginStage } from './BeginStage.js';
import { writeManifest } from './Manifest.js';

const pkg = { name: '@commodity-hindcast/stage-deliver', version: '0.1.0' };
const DAY1 = new Date(Date.UTC(2026, 0, 5, 12));
const DAY2 = new Date(Date.UTC(2026, 0, 6, 12));
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'begin-stage-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function deliver(runDir: string, day: Date, text: string): Promise<string[]> {
  const files = ([0, 1, 2] as const).map((level) => hindcastDeliveryPath('corn_usa', level, day));
  for (const f of files) {
    await fs.mkdir(nodePath.dirname(nodePath.join(runDir, f)), { recursive: true });
    await fs.writeFile(nodePath.join(runDir, f), text);
  }
  return files;
}

const ls = async (dir: string): Promise<string[]> => (await fs.readdir(dir).catch(() => [])).sort();

describe('beginStage', () => {
  it('DELIVER on another day supersedes: the old files and manifest go, the new manifest lists only the new files, validation passes', async () => {
    const { runDir } = await buildRunDir(nodePath.join(root, 'deliver'), { forecast: false });
    const day1 = await deliver(runDir, DAY1, 'a,b\n1,2\n');
    await writeManifest({ runDir, stage: 'deliver', package: pkg, startedAt: DAY1, finishedAt: DAY1, files: day1 });

    const start = await beginStage(runDir, 'deliver', null, { now: () => DAY2 });
    expect(start.startedAt).toEqual(DAY2);
    expect(start.removed).toEqual([manifestPath('deliver'), ...day1]);
    expect(await ls(nodePath.join(runDir, 'delivery'))).toEqual([]);
    const day2 = await deliver(runDir, DAY2, 'a,b\n3,4\n');
    await writeManifest({
      runDir,
      stage: 'deliver',
      package: pkg,
      startedAt: start.startedAt,
      finishedAt: DAY2,
      files: day2,
    });

    expect(await ls(nodePath.join(runDir, 'delivery'))).toEqual(day2.map((f) => nodePath.basename(f)).sort());
    const report = await validateRunDir(runDir, { schemas: false });
    expect(report.checks.filter((c) => c.status === 'fail' && c.path.startsWith('delivery/'))).toEqual([]);
    expect((await ExperimentResult.fromRunDir(runDir)).deliveries().map((d) => d.path)).toEqual(day2);
  });

  it('removes leftovers of a crashed attempt (files no manifest lists) and keeps what another manifest lists', async () => {
    const { runDir } = await buildRunDir(nodePath.join(root, 'leftovers'), { forecast: false });
    const crashed = await deliver(runDir, DAY1, 'partial');
    const start = await beginStage(runDir, 'deliver', null);
    expect(start.removed).toEqual(crashed);
    // A re-run of FIT for 2018 removes its own outputs, but not included_geo_identifiers.txt, which fit/2019 and
    // fit/production still list.
    const fit = await beginStage(runDir, 'fit', '2018');
    expect(fit.removed[0]).toBe(manifestPath('fit', '2018'));
    expect(fit.removed).toContain(modelPath('corn_usa', 2018));
    expect(fit.removed).not.toContain('included_geo_identifiers.txt');
    expect(await fs.stat(nodePath.join(runDir, 'included_geo_identifiers.txt'))).toBeTruthy();
    expect(await fs.stat(nodePath.join(runDir, modelPath('corn_usa', 2019)))).toBeTruthy();
  });

  it('a crash right after beginStage leaves nothing complete-looking for that scope', async () => {
    const { runDir } = await buildRunDir(nodePath.join(root, 'crash'), { forecast: false });
    await beginStage(runDir, 'predict', '2019');
    // The stage writes one of its two files and dies.
    await fs.writeFile(nodePath.join(runDir, 'preds/corn_usa/2019/year_data.parquet'), 'half');
    const result = await ExperimentResult.fromRunDir(runDir);
    expect(await result.hindcastSlice(2019).isComplete()).toBe(false);
    const status = (await result.stageStatus()).find((s) => s.stage === 'predict' && s.scope === '2019');
    expect(status).toEqual({
      stage: 'predict',
      scope: '2019',
      manifest: '_manifests/predict/2019.json',
      status: 'missing',
      problems: [],
    });
    const report = await validateRunDir(runDir, { schemas: false });
    expect(report.checks).toContainEqual({
      path: 'preds/corn_usa/2019/year_data.parquet',
      artifact: 'year_data',
      check: 'manifest',
      status: 'fail',
      reason: 'not listed in any manifest: its stage did not complete',
    });
  });
});
