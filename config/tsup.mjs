// The build settings every published package shares: ESM for Node 20, source maps, a clean dist, tree-shaken.
// Each package's tsup.config.ts passes only what differs (entries, declarations, splitting).
/** @param {import('./tsup.d.mts').TsupPackageOptions} options */
export function defineTsupConfig({ entry, dts, splitting }) {
  return {
    entry,
    format: ['esm'],
    dts,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...(splitting === undefined ? {} : { splitting }),
    treeshake: true,
  };
}
