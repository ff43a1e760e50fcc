import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// Entries from package.json (`exports` and `bin`); declarations for the exports only.
const { entry, exported } = packageEntries();
export default defineConfig(defineTsupConfig({ entry, dts: { entry: exported } }));
