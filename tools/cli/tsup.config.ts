import { defineConfig } from 'tsup';

// One entry: the bin. The workspace packages stay external (imported from their own builds), so the CLI runs
// exactly the code each package ships and tests.
export default defineConfig({
  entry: { bin: 'src/bin.ts' },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
});
