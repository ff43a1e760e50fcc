// The test settings every package shares. `source: true` resolves the workspace packages (the contract) to their
// sources through the `source` export condition, so tests need no build of them first; only their public
// entries exist under that condition, as in the build.
/** @param {import('./vitest.d.mts').VitestPackageOptions} options */
export function defineVitestConfig({
  source = false,
  include = ['src/**/*.test.ts'],
  globalSetup,
  timeout,
  hookTimeout = timeout,
}) {
  return {
    ...(source ? { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } } : {}),
    test: {
      include,
      ...(globalSetup === undefined ? {} : { globalSetup }),
      testTimeout: timeout,
      hookTimeout,
    },
  };
}
