import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// The entries are package.json `exports`; declarations come from tsc (tsconfig.build.json): one .d.ts per source
// file, ~10x faster than bundled dts.
// apache-arrow (~150 modules) and zod (~95) are bundled into dist: Node loads an ES module per file, and every stage
// process paid ~0.3 s CPU of start-up resolving, reading and compiling them. No other package imports either (the
// zod schemas and Arrow data a caller gets are the bundled copies' own), and both stay dependencies for the types.
export default defineConfig({
  ...defineTsupConfig({ entry: packageEntries('package.json', 'tsc').entry, dts: false, splitting: true }),
  noExternal: ['apache-arrow', 'zod'],
});
