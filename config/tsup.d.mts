// No import of tsup here: this folder has no node_modules; the package's defineConfig checks the result.
export interface TsupPackageOptions {
  /** Output name → source file. */
  entry: Record<string, string>;
  /** `false` when tsc writes the declarations, `true` for every entry, or the entries to declare. */
  dts: boolean | { entry: Record<string, string> };
  splitting?: boolean;
}

export interface TsupSharedOptions extends TsupPackageOptions {
  format: 'esm'[];
  sourcemap: boolean;
  clean: boolean;
  target: 'node20';
  treeshake: boolean;
}

export function defineTsupConfig(options: TsupPackageOptions): TsupSharedOptions;
