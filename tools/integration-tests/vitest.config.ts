import { defineConfig } from 'vitest/config';

// The `source` export condition resolves the workspace packages (contract, importers, stage-features) to their
// sources, so these tests need no build first; the fault-injection tests run the built CLI bin and skip, saying
// so, when it is not built. The S3 test server is the contract's: its global setup starts moto on a free loopback
// port (or uses S3_TEST_ENDPOINT), skips the S3 tests without moto and fails under CI without it.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['../../packages/rundir-contract/test/globalSetup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
