import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

// The fault-injection tests run the built CLI bin and skip, saying so, when it is not built. The S3 test server is
// the contract's: its global setup starts moto on a free loopback port (or uses S3_TEST_ENDPOINT), skips the S3
// tests without moto and fails under CI without it.
export default defineConfig(
  defineVitestConfig({
    source: true,
    globalSetup: ['../../packages/rundir-contract/test/globalSetup.ts'],
    timeout: 600_000,
  }),
);
