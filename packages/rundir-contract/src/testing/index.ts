// Test-only entry: fixtures and the stage conformance kit. Stage packages import it from their tests only
// (the boundary check rejects it from stage source); it never imports vitest, so it has no test-runner dependency.
export { MemoryStore } from './MemoryStore.js';
export { buildRunDir, FIXTURE_STAGES } from './buildRunDir.js';
export type { BuildRunDirOptions, BuiltRunDir, FixtureStage } from './buildRunDir.js';
export { FIXTURE_GEOS, FIXTURE_SLICE } from './FixtureData.js';
export { fixtureSliceIndices } from './ForecastSliceFixture.js';
export { downstreamBlocksYaml, fixtureConfig, REFERENCE_CONFIG_YAML, US_CORN_COMMODITY_YAML } from './ReferenceConfigs.js';
