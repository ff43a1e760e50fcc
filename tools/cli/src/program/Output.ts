import type { CliContext } from './CliContext.js';
import { Progress, type StepProgress } from './Progress.js';

/**
 * How a command reports: progress lines go to stderr (so stdout stays clean for pipes), the result to stdout —
 * a short human summary, or with `--json` exactly one JSON document and no progress at all.
 */
export class Output {
  readonly json: boolean;
  private readonly display: Progress;

  constructor(
    private readonly context: CliContext,
    json: boolean | undefined,
  ) {
    this.json = json === true;
    this.display = Progress.for(context, this.json);
  }

  /** Whether progress is shown at all (not with --json): work done only to report progress can be skipped. */
  get showsProgress(): boolean {
    return this.display.mode !== 'silent';
  }

  /** One progress line on stderr, e.g. `features: building from 3 builders…` (none with --json). */
  progress(line: string): void {
    this.display.line(line);
  }

  /** Starts reporting a step: its folds or slices, then its end line (a live bar on a terminal). */
  step(name: string): StepProgress {
    return this.display.step(name);
  }

  /** The command's result: `data` as one JSON document with --json, else the human `summary` (lines). */
  result(data: unknown, summary: () => string): void {
    this.context.stdout(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${summary()}\n`);
  }
}
