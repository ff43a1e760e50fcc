import { defineConfig } from 'vitest/config';

// The `source` export condition resolves the workspace packages (contract, importers, stage-features) to their
// sources, so these tests need no build first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
});
