// Moved to src/testing (the contract's /testing entry). This forwarder keeps tests written against the old path
// compiling while parallel branches merge; import from '../testing/index.js' instead. Delete it once nothing imports it.
export { MemoryStore } from '../../testing/MemoryStore.js';
