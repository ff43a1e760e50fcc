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

export interface PackageEntries {
  /** Output name → source file: every `exports` entry and every `bin`. */
  entry: Record<string, string>;
  /** The `exports` entries alone (the ones that get declarations). */
  exported: Record<string, string>;
}

export function packageEntries(packageJsonPath?: string, declarations?: 'bundle' | 'tsc'): PackageEntries;

export function defineTsupConfig(options: TsupPackageOptions): TsupSharedOptions;
