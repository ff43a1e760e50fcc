import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// One entry: the bin (package.json `bin`). The workspace packages stay external (imported from their own builds), so
// the CLI runs exactly the code each package ships and tests.
export default defineConfig(defineTsupConfig({ entry: packageEntries().entry, dts: false }));
