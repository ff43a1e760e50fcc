import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The composed CLI's built bin (`pnpm turbo run build --filter=@commodity-hindcast/cli...`). */
const CLI_BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

/** Why tests of the built CLI cannot run ('' when they can). */
export const cliSkipReason = existsSync(CLI_BIN)
  ? ''
  : `${CLI_BIN} is not built; run pnpm turbo run build --filter=@commodity-hindcast/cli...`;

export interface CliRun {
  /** Exit code; null when the run was killed at the deadline. */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/**
 * Runs the built bin with exactly `env` (plus PATH and HOME) and kills it at `timeoutMs`, so a hang is an
 * outcome to assert on rather than a stuck test.
 */
export function runCli(args: readonly string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut });
    });
  });
}

/** The lines of a stream, without the final empty one. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  return all[all.length - 1] === '' ? all.slice(0, -1) : all;
}
