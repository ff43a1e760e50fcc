import { spawn } from 'node:child_process';

export interface ProcResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProcOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs a command to its end and returns its exit code and output; never throws for a non-zero exit. */
export function run(command: string, args: readonly string[], options: ProcOptions): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Like `run`, but a non-zero exit is an error naming the command, the folder and the last lines it printed. */
export async function runOk(command: string, args: readonly string[], options: ProcOptions): Promise<ProcResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .slice(-12)
      .join(' | ');
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.code}: ${tail}`);
  }
  return result;
}
