/**
 * What a command may touch of its process: the two output streams, the environment and the working directory.
 * Commands never read `process` directly, so the whole CLI can run in-process (tests, a future `run all`) with
 * its own environment and streams.
 */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stderr when it is a terminal: progress draws a live bar there; absent, progress is plain lines. */
  stderrTerminal?: NodeJS.WriteStream;
}

/** The real process. */
export function processContext(): CliContext {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    ...(process.stderr.isTTY ? { stderrTerminal: process.stderr } : {}),
  };
}
