import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

// The tests run the built bin (dist/bin.js) as a user would, against the built workspace packages it imports;
// test/globalSetup.ts rebuilds the bin when its sources are newer and stops with a clear message when a
// dependency is not built. The S3 test server is the contract's: its global setup starts moto on a free loopback
// port (or uses S3_TEST_ENDPOINT); without moto the `*.integration.test.ts` files skip, saying so (under CI they fail).
export default defineConfig(
  defineVitestConfig({
    globalSetup: ['test/globalSetup.ts', '../../packages/rundir-contract/test/globalSetup.ts'],
    timeout: 180_000,
  }),
);
