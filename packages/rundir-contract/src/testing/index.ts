// Test-only entry: shared fixtures and the stage conformance kit. Stage packages import it from their tests only
// (the boundary check rejects it from stage source); it never imports vitest, so it needs no test runner.
export { buildRunDir, FIXTURE_STAGES } from './buildRunDir.js';
export type { BuildRunDirOptions, BuiltRunDir, FixtureStage } from './buildRunDir.js';
export type { ConformanceContext, StageConformanceOptions } from './ConformanceContext.js';
export {
  assertConformance,
  CONFORMANCE_ASSERTIONS,
  ConformanceError,
  ConformanceSetupError,
  formatConformanceReport,
} from './ConformanceReport.js';
export type {
  ConformanceAssertion,
  ConformanceReport,
  ConformanceResult,
  ConformanceStoreKind,
} from './ConformanceReport.js';
export { s3TestEndpoint } from './ConformanceStores.js';
export { FaultyStore, InjectedWriteFault } from './FaultyStore.js';
export { FIXTURE_GEOS, FIXTURE_SLICE } from './FixtureData.js';
export { fixtureSliceIndices } from './ForecastSliceFixture.js';
export { MemoryStore } from './MemoryStore.js';
export { RecordingStore } from './RecordingStore.js';
export { mulberry32 } from './SeededRandom.js';
export type { RecordedChange } from './RecordingStore.js';
export {
  downstreamBlocksYaml,
  fixtureConfig,
  REFERENCE_CONFIG_YAML,
  US_CORN_COMMODITY_YAML,
} from './ReferenceConfigs.js';
export { defaultUpstream, runStageConformance } from './StageConformance.js';
