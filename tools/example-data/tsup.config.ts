import { defineConfig } from 'tsup';
import { defineTsupConfig, packageEntries } from '../../config/tsup.mjs';

// Entries from package.json `exports`.
const { entry, exported } = packageEntries();
export default defineConfig(defineTsupConfig({ entry, dts: { entry: exported } }));
