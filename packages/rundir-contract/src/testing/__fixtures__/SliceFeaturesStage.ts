import { encodeParquet, writeJson, writeParquet } from '../../io/index.js';
import { forecastFeaturesPredPath, forecastScope, manifestPath, runPath, type StageDeclaration } from '../../layout/index.js';
import { sha256Hex, verifyManifest, writeManifest } from '../../manifest/index.js';
import { ExperimentResult } from '../../result/index.js';
import { forecastFeaturesPredSchema, ManifestSchema, type Manifest } from '../../schemas/index.js';
import type { ConformanceContext } from '../ConformanceContext.js';
import { featureFrame } from '../FixtureData.js';

/**
 * A toy slice stage for the kit's own tests, shaped like FEATURES in forecast mode: it opens the run directory,
 * skips when its manifest verifies, writes `forecast/<sy>/<init>/features/pred.parquet`, then its manifest. Each
 * flaw breaks it in one way a real stage could.
 */
export type StageFlaw =
  | 'undeclared-file'
  | 'manifest-first'
  | 'partial-file'
  | 'partial-file-under-manifest'
  | 'never-skips'
  | 'swallows-write-errors'
  | 'ignores-contract-version'
  | 'bypasses-store'
  | 'leaves-temporary';

export const SLICE_FEATURES_STAGE: StageDeclaration<'forecast'> = {
  stage: 'features',
  package: '@commodity-hindcast/kit-test-stage',
  modes: {
    forecast: {
      reads: ['rundir', 'config_resolved', 'forecast_indices'],
      readsConfigFields: [],
      writes: ['forecast_features_pred'],
      manifest: '_manifests/features/forecast/{sy}/{init}.json',
    },
  },
};

const PACKAGE = { name: SLICE_FEATURES_STAGE.package, version: '0.0.1' };

export async function runSliceFeaturesStage(ctx: ConformanceContext, flaw?: StageFlaw): Promise<void> {
  const { runDir, slice } = ctx;
  const store = flaw === 'bypasses-store' ? undefined : ctx.store;
  const startedAt = new Date();
  if (flaw !== 'ignores-contract-version') await ExperimentResult.fromRunDir(runDir, { store: ctx.store });
  const scope = forecastScope(slice);
  const out = forecastFeaturesPredPath(slice);
  if (flaw !== 'never-skips' && (await verifyManifest(runDir, 'features', scope, ctx.store)).ok) return;

  const frame = featureFrame([slice.seasonYear], () => [slice.initDate], false);
  const bytes = encodeParquet(frame, forecastFeaturesPredSchema);
  const manifestOf = (size: number, sha256: string): Manifest => ({
    stage: 'features',
    scope,
    package: PACKAGE.name,
    package_version: PACKAGE.version,
    contract_version: '1.0.0',
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    inputs: [],
    files: [{ path: out, size, sha256 }],
  });
  const manifestLocation = runPath(runDir, manifestPath('features', scope));

  switch (flaw) {
    case 'manifest-first':
      await writeJson(manifestLocation, manifestOf(bytes.length, sha256Hex(bytes)), ManifestSchema, { store: ctx.store });
      await ctx.store.write(runPath(runDir, out), bytes);
      return;
    case 'partial-file':
      await ctx.store.write(runPath(runDir, out), bytes.slice(0, Math.floor(bytes.length / 2)));
      return;
    case 'partial-file-under-manifest':
      await ctx.store.write(runPath(runDir, out), bytes.slice(0, Math.floor(bytes.length / 2)));
      await writeJson(manifestLocation, manifestOf(bytes.length, sha256Hex(bytes)), ManifestSchema, { store: ctx.store });
      return;
    case 'swallows-write-errors':
      await writeParquet(runPath(runDir, out), frame, forecastFeaturesPredSchema, { store: ctx.store }).catch(() => undefined);
      await writeManifest({ runDir, stage: 'features', scope, package: PACKAGE, startedAt, files: [out], store: ctx.store }).catch(() => undefined);
      return;
    default:
      await writeParquet(runPath(runDir, out), frame, forecastFeaturesPredSchema, store ? { store } : {});
      if (flaw === 'leaves-temporary') await ctx.store.write(runPath(runDir, `forecast/${slice.seasonYear}/${slice.initDate}/features/.tmp-pred.parquet.junk`), bytes);
      if (flaw === 'undeclared-file') await ctx.store.write(runPath(runDir, `forecast/${slice.seasonYear}/${slice.initDate}/features/debug.txt`), 'rows: 3\n');
      await writeManifest({ runDir, stage: 'features', scope, package: PACKAGE, startedAt, files: [out], ...(store ? { store } : {}) });
  }
}
