import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

// The tests run the built bin (dist/bin.js) as a user would, against the built workspace packages it imports;
// test/globalSetup.ts rebuilds the bin when its sources are newer and stops with a clear message when a
// dependency is not built.
export default defineConfig(defineVitestConfig({ globalSetup: ['test/globalSetup.ts'], timeout: 180_000 }));
