import type { StageName } from '../layout/RunLayout.js';
import type { RunDirListing, StageVerification } from './RunDirListing.js';

/** One stage scope of a run directory and whether its outputs count (manifest/TrustRule.ts). */
export interface StageStatus extends StageVerification {
  stage: StageName;
  /** A fold label, `forecast/<sy>/<init>`, another scope of a manifest present, or null for a stage-level manifest. */
  scope: string | null;
}

const HINDCAST_RUN_STAGES: readonly StageName[] = ['postprocess', 'evaluate', 'deliver'];
const SLICE_STAGES: readonly StageName[] = ['forecast', 'features', 'predict', 'postprocess', 'deliver'];

/**
 * The status of every stage scope a run directory should have — creation; FIT per test year and production;
 * PREDICT per test year; POSTPROCESS, EVALUATE, DELIVER; the five forecast stages per slice present — plus any
 * other manifest present (e.g. `create/resume`). `missing`: no vouching manifest; `failed-verification`: a manifest
 * that cannot vouch, or a listed file gone or changed; `complete` otherwise.
 */
export async function stageStatuses(
  listing: RunDirListing,
  testYears: readonly number[],
  sliceScopes: readonly string[],
): Promise<StageStatus[]> {
  const wanted: { stage: StageName; scope: string | null }[] = [{ stage: 'create', scope: null }];
  for (const year of testYears) wanted.push({ stage: 'fit', scope: String(year) });
  wanted.push({ stage: 'fit', scope: 'production' });
  for (const year of testYears) wanted.push({ stage: 'predict', scope: String(year) });
  for (const stage of HINDCAST_RUN_STAGES) wanted.push({ stage, scope: null });
  for (const scope of sliceScopes) for (const stage of SLICE_STAGES) wanted.push({ stage, scope });
  const out: StageStatus[] = [];
  const seen = new Set<string>();
  for (const { stage, scope } of wanted) {
    const verification = await listing.stageVerification(stage, scope);
    seen.add(verification.manifest);
    out.push({ stage, scope, ...verification });
  }
  for (const listed of await listing.manifests()) {
    if (seen.has(listed.path)) continue;
    const doc = listed.manifest ?? listed.parsed;
    const m = /^_manifests\/([a-z]+)(?:\/(.+))?\.json$/.exec(listed.path);
    const stage = (doc?.stage ?? m?.[1]) as StageName;
    const scope = doc ? doc.scope : (m?.[2] ?? null);
    const verification = listed.manifest
      ? await listing.stageVerification(stage, scope)
      : {
          manifest: listed.path,
          status: 'failed-verification' as const,
          problems: [`${listed.path}: ${listed.problem ?? 'unusable'}`],
        };
    out.push({ stage, scope, ...verification });
  }
  return out;
}
