import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// The server from package.json's entries, and the browser bundle of the chart script (vega-embed, vega and
// vega-lite inlined) into dist/client/charts.js, so the pages load nothing from the network.
const { entry, exported } = packageEntries();
export default defineConfig([
  { ...defineTsupConfig({ entry, dts: { entry: exported } }), clean: false },
  {
    entry: { charts: 'src/client/charts.ts' },
    outDir: 'dist/client',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    sourcemap: false,
    dts: false,
    clean: false,
  },
]);
