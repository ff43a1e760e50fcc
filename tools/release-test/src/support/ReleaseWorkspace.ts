import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { runOk, type ProcResult } from './proc.js';

export interface WorkspacePackage {
  name: string;
  version: string;
  private: boolean;
  dir: string;
  dependencies: Record<string, string>;
}

/** The published entry point: the CLI and, through `...`, every workspace package it depends on. */
export const CLI = '@commodity-hindcast/cli';
export const CONTRACT = '@commodity-hindcast/rundir-contract';
export const FEATURES = '@commodity-hindcast/stage-features';

/**
 * A throwaway copy of the repository (its tracked and untracked-but-not-ignored files, as they are on disk now)
 * where `changeset version`, builds and publishing may change anything: the real workspace is never touched.
 */
export class ReleaseWorkspace {
  private constructor(
    readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async copy(source: string, dest: string, env: NodeJS.ProcessEnv): Promise<ReleaseWorkspace> {
    const { stdout } = await promisify(execFile)(
      'git',
      ['-C', source, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    for (const rel of stdout.split('\0')) {
      if (rel === '') continue;
      const from = join(source, rel);
      // A tracked file deleted in the working tree is not part of what is being released; an untracked one may
      // be a temporary file of a test running beside this one and vanish while we copy.
      if (!(await stat(from).catch(() => undefined))?.isFile()) continue;
      await mkdir(dirname(join(dest, rel)), { recursive: true });
      await copyFile(from, join(dest, rel)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    return new ReleaseWorkspace(dest, env);
  }

  pnpm(args: readonly string[]): Promise<ProcResult> {
    return runOk('pnpm', args, { cwd: this.root, env: this.env });
  }

  /** Dependencies from the lockfile, out of the local pnpm store only. */
  install(): Promise<ProcResult> {
    return this.pnpm(['install', '--offline', '--frozen-lockfile']);
  }

  changesetVersion(): Promise<ProcResult> {
    return this.pnpm(['exec', 'changeset', 'version']);
  }

  /** Builds the CLI and the workspace packages it depends on, dependencies first. */
  build(): Promise<ProcResult> {
    return this.pnpm(['-r', '--workspace-concurrency=2', '--filter', `${CLI}...`, 'run', 'build']);
  }

  /** Publishes the CLI and its workspace dependencies; pnpm skips versions the registry already has. */
  async publish(registryUrl: string, npmrcKey: string, token: string): Promise<ProcResult> {
    await writeFile(join(this.root, '.npmrc'), `${npmrcKey}:_authToken=${token}\n`);
    return this.pnpm(['-r', '--filter', `${CLI}...`, 'publish', '--registry', registryUrl, '--no-git-checks']);
  }

  /** Every workspace package (packages/*, tools/*) as its package.json says now. */
  async packages(): Promise<Map<string, WorkspacePackage>> {
    const result = new Map<string, WorkspacePackage>();
    for (const group of ['packages', 'tools']) {
      for (const entry of await readdir(join(this.root, group))) {
        const dir = join(this.root, group, entry);
        const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        const pkg = JSON.parse(text) as {
          name: string;
          version: string;
          private?: boolean;
          dependencies?: Record<string, string>;
        };
        result.set(pkg.name, {
          name: pkg.name,
          version: pkg.version,
          private: pkg.private === true,
          dir,
          dependencies: pkg.dependencies ?? {},
        });
      }
    }
    return result;
  }

  /** The CLI and the workspace packages it needs at run time, transitively. */
  async runtimeClosure(): Promise<WorkspacePackage[]> {
    const all = await this.packages();
    const seen = new Map<string, WorkspacePackage>();
    const visit = (name: string): void => {
      const pkg = all.get(name);
      if (!pkg || seen.has(name)) return;
      seen.set(name, pkg);
      for (const dep of Object.keys(pkg.dependencies)) visit(dep);
    };
    visit(CLI);
    return [...seen.values()];
  }
}
