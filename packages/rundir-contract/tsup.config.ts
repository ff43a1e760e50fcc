import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// The entries are package.json `exports`; declarations come from tsc (tsconfig.build.json): one .d.ts per source
// file, ~10x faster than bundled dts.
export default defineConfig(
  defineTsupConfig({ entry: packageEntries('package.json', 'tsc').entry, dts: false, splitting: true }),
);
