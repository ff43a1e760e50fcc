import { defineConfig } from 'vitest/config';

// One long sequential scenario: copy, install, build and publish twice, install twice from the local registry.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 300_000 },
});
