import { defineConfig } from 'tsup';
import { defineTsupConfig } from '../../config/tsup.mjs';

// One entry: the bin. The workspace packages stay external (imported from their own builds), so the CLI runs
// exactly the code each package ships and tests.
export default defineConfig(defineTsupConfig({ entry: { bin: 'src/bin.ts' }, dts: false }));
