import { defineConfig } from 'vitest/config';

// The `source` export condition resolves @commodity-hindcast/rundir-contract to its sources, so tests need no
// build of the contract first; only its public entries exist under that condition, as in the build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
