import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The fixture repositories hold .ts/.mjs files of their own; only our tests run.
    include: ['test/*.test.mjs'],
    testTimeout: 30_000,
  },
});
