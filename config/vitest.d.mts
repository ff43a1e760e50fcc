// No import of vitest here: this folder has no node_modules; the package's defineConfig checks the result.
export interface VitestPackageOptions {
  /** Resolve workspace packages to their sources (the `source` export condition). */
  source?: boolean;
  /** Test files; `src/**\/*.test.ts` unless given. */
  include?: string[];
  globalSetup?: string[];
  /** Test timeout in ms; also the hook timeout unless `hookTimeout` is given. */
  timeout: number;
  hookTimeout?: number;
}

export interface VitestSharedConfig {
  resolve?: { conditions: string[] };
  ssr?: { resolve: { conditions: string[] } };
  test: { include: string[]; globalSetup?: string[]; testTimeout: number; hookTimeout: number };
}

export function defineVitestConfig(options: VitestPackageOptions): VitestSharedConfig;
