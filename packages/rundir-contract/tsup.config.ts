import { defineConfig } from 'tsup';
import { defineTsupConfig } from '../../config/tsup.mjs';
import { entries } from './entries.js';

// The subpath exports in package.json are generated from this same list (scripts/sync-exports.mjs),
// so tsup's entries and the exports map never drift apart.
export default defineConfig(
  defineTsupConfig({
    entry: Object.fromEntries(entries.map((name) => [name, `src/${name}/index.ts`]).concat([['index', 'src/index.ts']])),
    // Declarations come from tsc (tsconfig.build.json): one .d.ts per source file, ~10x faster than bundled dts.
    dts: false,
    splitting: true,
  }),
);
