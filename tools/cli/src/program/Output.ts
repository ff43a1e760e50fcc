import type { CliContext } from './CliContext.js';

/**
 * How a command reports: progress lines go to stderr (so stdout stays clean for pipes), the result to stdout —
 * a short human summary, or with `--json` exactly one JSON document.
 */
export class Output {
  readonly json: boolean;

  constructor(
    private readonly context: CliContext,
    json: boolean | undefined,
  ) {
    this.json = json === true;
  }

  /** One progress line on stderr, e.g. `features: building from 3 builders…`. */
  progress(line: string): void {
    this.context.stderr(`${line}\n`);
  }

  /** The command's result: `data` as one JSON document with --json, else the human `summary` (lines). */
  result(data: unknown, summary: () => string): void {
    this.context.stdout(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${summary()}\n`);
  }
}
