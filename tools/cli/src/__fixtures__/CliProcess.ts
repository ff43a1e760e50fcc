import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// CLI_TEST_BIN runs the same tests against another build (e.g. main's, to show a test failing before a fix).
const BIN = process.env.CLI_TEST_BIN ?? fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  /** The whole environment of the child besides PATH and HOME: nothing leaks in from the test runner. */
  env?: Record<string, string>;
}

/** Runs the built bin (`node dist/bin.js …args`) to completion and returns its exit code and output. */
export function runBin(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** The lines of a stream, without the final empty one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => !(i === all.length - 1 && line === ''));
}

export interface StartedBin {
  child: import('node:child_process').ChildProcess;
  /** Settles when the process exits (code null when killed by a signal). */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the built bin without waiting for it, so a test can stop, continue or kill it midway. */
export function startBin(args: readonly string[], options: CliRunOptions): StartedBin {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
