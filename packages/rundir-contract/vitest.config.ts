import { defineConfig } from 'vitest/config';
import { defineVitestConfig } from '../../config/vitest.mjs';

export default defineConfig(
  defineVitestConfig({
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    timeout: 180_000,
  }),
);
