import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, NotFoundError } from '../errors/ContractError.js';
import { writeJson } from '../io/Json.js';
import { hindcastDeliveryPath, rawFoldMetricsPath } from '../layout/RunLayout.js';
import { writeManifest } from '../manifest/Manifest.js';
import { RawFoldMetricsSchema, type RawFoldMetrics } from '../schemas/JsonArtifacts.js';
import { buildRunDir, FIXTURE_GEOS, type BuiltRunDir } from '../testing/index.js';
import { ExperimentResult } from './ExperimentResult.js';

let root: string;
let built: BuiltRunDir;
const pkg = { name: '@commodity-hindcast/stage-test', version: '0.1.0' };
const DAY = new Date(Date.UTC(2026, 0, 5, 12));

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'experiment-result-status-'));
  built = await buildRunDir(nodePath.join(root, 'complete'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('ExperimentResult: national series, geos, metrics, deliveries', () => {
  it('reads the hindcast national series and the included geos through the trust rule', async () => {
    const result = await ExperimentResult.fromRunDir(built.runDir);
    const national = await result.readNational();
    // One ADM0 row per (test year, init date): 2 folds × 2 init dates.
    expect(national.numRows).toBe(4);
    expect(Array.from(national.columns.geo_identifier as ArrayLike<string>)).toEqual(Array(4).fill('ADM0:USA'));
    expect(Array.from(national.columns.fold as ArrayLike<string>)).toEqual(['2018', '2018', '2019', '2019']);
    expect(await result.includedGeoIdentifiers()).toEqual([...FIXTURE_GEOS]);
    await expect(result.readMetrics()).rejects.toThrow(NotFoundError);
    expect(result.deliveries()).toEqual([]);
  });

  it('reads metrics and lists deliveries once EVALUATE and DELIVER completed', async () => {
    const run = await buildRunDir(nodePath.join(root, 'evaluated'), { forecast: false });
    const metrics: RawFoldMetrics = {
      run_id: run.runId,
      experiment_key: 'corn_usa',
      delivery_unit: 'bu_acre',
      primary_residual_mode: 'hindcast_oos_per_init_date',
      levels: [0.8, 0.95],
      wasde: null,
      rows: [],
      information_advantage: [],
    };
    await writeJson(nodePath.join(run.runDir, rawFoldMetricsPath()), metrics, RawFoldMetricsSchema);
    await writeManifest({
      runDir: run.runDir,
      stage: 'evaluate',
      package: pkg,
      startedAt: DAY,
      files: [rawFoldMetricsPath()],
    });
    const files = ([2, 0, 1] as const).map((level) => hindcastDeliveryPath('corn_usa', level, DAY));
    for (const f of files) {
      await fs.mkdir(nodePath.dirname(nodePath.join(run.runDir, f)), { recursive: true });
      await fs.writeFile(nodePath.join(run.runDir, f), 'commodity,year\nCORN,2019\n');
    }
    await writeManifest({ runDir: run.runDir, stage: 'deliver', package: pkg, startedAt: DAY, files });
    const result = await ExperimentResult.fromRunDir(run.runDir);
    expect(await result.readMetrics()).toEqual(metrics);
    const deliveries = result.deliveries();
    expect(deliveries.map((d) => [d.level, d.generated, d.path])).toEqual(
      ([0, 1, 2] as const).map((l) => [l, '20260105', hindcastDeliveryPath('corn_usa', l, DAY)]),
    );
    expect((await result.readDelivery(deliveries[0]!)).header).toEqual(['commodity', 'year']);
    await fs.writeFile(nodePath.join(run.runDir, files[0]!), 'commodity,year\nCORN,2020\n');
    await expect((await ExperimentResult.fromRunDir(run.runDir)).readDelivery(deliveries[2]!)).rejects.toThrow(
      ManifestError,
    );
  });
});

describe('ExperimentResult.stageStatus', () => {
  it('gives complete, missing and failed-verification per stage and scope', async () => {
    const run = await buildRunDir(nodePath.join(root, 'status'));
    await fs.appendFile(nodePath.join(run.runDir, 'models/corn_usa/2019/model.json'), ' ');
    const status = await (await ExperimentResult.fromRunDir(run.runDir)).stageStatus();
    const table = status.map((s) => `${s.stage} ${s.scope ?? '-'} ${s.status}`);
    expect(table).toEqual([
      'create - complete',
      'fit 2018 complete',
      'fit 2019 failed-verification',
      'fit production complete',
      'predict 2018 complete',
      'predict 2019 complete',
      'postprocess - complete',
      'evaluate - missing',
      'deliver - missing',
      'forecast forecast/2020/2020-08-01 complete',
      'features forecast/2020/2020-08-01 complete',
      'predict forecast/2020/2020-08-01 complete',
      'postprocess forecast/2020/2020-08-01 complete',
      'deliver forecast/2020/2020-08-01 complete',
    ]);
    expect(status.find((s) => s.stage === 'fit' && s.scope === '2019')?.problems).toEqual([
      expect.stringMatching(
        /^models\/corn_usa\/2019\/model\.json: size \d+ differs from \d+ recorded in _manifests\/fit\/2019\.json$/,
      ),
    ]);
  });
});
