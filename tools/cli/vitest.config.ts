import { defineConfig } from 'vitest/config';

// The tests run the built bin (dist/bin.js) as a user would, against the built workspace packages it imports;
// test/globalSetup.ts rebuilds the bin when its sources are newer and stops with a clear message when a
// dependency is not built.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
