// Moved to src/testing (the contract's /testing entry). This forwarder keeps tests written against the old path
// compiling while parallel branches merge; import from '../testing/index.js' (inside src) instead. Delete it once
// nothing imports it.
export { buildRunDir, fixtureConfig, FIXTURE_GEOS, FIXTURE_SLICE } from '../src/testing/index.js';
export type { BuildRunDirOptions, BuiltRunDir } from '../src/testing/index.js';
