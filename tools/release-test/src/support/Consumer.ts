import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { run, runOk, type ProcResult } from './proc.js';

const SCRIPTS = fileURLToPath(new URL('../consumer/', import.meta.url));

/**
 * An empty folder outside the workspace that installs published packages the way a user would: a package.json
 * naming exact versions and an .npmrc with the scope on the local verdaccio and everything else on the store
 * mirror. pnpm's metadata cache is private to the test, so a port reused from an earlier run cannot serve
 * stale documents.
 */
export class Consumer {
  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(
    dir: string,
    options: { scopeRegistry: string; defaultRegistry: string; cacheDir: string; env: NodeJS.ProcessEnv },
    dependencies: Record<string, string>,
  ): Promise<Consumer> {
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'release-test-consumer', private: true, type: 'module', dependencies }, null, 2)}\n`,
    );
    await writeFile(
      join(dir, '.npmrc'),
      `registry=${options.defaultRegistry}\n@commodity-hindcast:registry=${options.scopeRegistry}\n`,
    );
    const env = {
      ...options.env,
      npm_config_registry: options.defaultRegistry,
      npm_config_cache_dir: options.cacheDir,
    };
    return new Consumer(dir, env);
  }

  install(): Promise<ProcResult> {
    return runOk('pnpm', ['install'], { cwd: this.dir, env: this.env });
  }

  /** The installed `commodity-hindcast` bin; a non-zero exit is returned, not thrown. */
  cli(args: readonly string[], env: Record<string, string> = {}): Promise<ProcResult> {
    return run(join(this.dir, 'node_modules', '.bin', 'commodity-hindcast'), args, {
      cwd: this.dir,
      env: { ...this.env, ...env },
    });
  }

  /** Runs one of `src/consumer/*.mjs` from this folder, so its imports resolve to what was installed here. */
  async script(name: string, args: readonly string[], env: Record<string, string> = {}): Promise<unknown> {
    await copyFile(join(SCRIPTS, name), join(this.dir, name));
    const { stdout } = await runOk(process.execPath, [name, ...args], { cwd: this.dir, env: { ...this.env, ...env } });
    return JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as unknown;
  }
}
