import { defineConfig } from 'tsup';
import { defineTsupConfig } from '../../config/tsup.mjs';

export default defineConfig(defineTsupConfig({ entry: { index: 'src/index.ts' }, dts: true }));
