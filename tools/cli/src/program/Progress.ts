import cliProgress from 'cli-progress';
import type { CliContext } from './CliContext.js';
import { formatDuration } from './HumanUnits.js';

/**
 * Progress of long work on stderr, one line per stage and per fold or slice, each with its elapsed time:
 * - on a terminal, a live bar (cli-progress) under those lines while a stage runs: folds done of folds, elapsed;
 * - elsewhere (a pipe, a log file, CI), the same lines, plain;
 * - with `--json`, nothing: stdout carries the one JSON document and stderr only a failure.
 */
export type ProgressMode = 'silent' | 'plain' | 'tty';

/** What the CLI's step loop reports about one running step (a stage, or a stage of a forecast slice). */
export interface StepProgress {
  /** How many folds or slices the step has: the bar's length (no bar without it). */
  total(count: number): void;
  /** One fold or slice of the step finished: its line, and the bar advances. */
  item(label: string, ms: number | undefined): void;
  /** The step finished: its line (`fit: done in 1.7 s — note`). */
  end(skipped: boolean, ms: number, note: string): void;
  /** The step failed: the bar goes away, the failure line follows from the caller. */
  abort(): void;
}

const SILENT_STEP: StepProgress = { total: () => {}, item: () => {}, end: () => {}, abort: () => {} };

function endLine(step: string, skipped: boolean, ms: number, note: string): string {
  return `${step}: ${skipped ? 'up to date' : 'done'} in ${formatDuration(ms)}${note ? ` — ${note}` : ''}`;
}

function itemLine(step: string, label: string, ms: number | undefined, done: number, total: number): string {
  const count = total > 0 ? ` (${done}/${total})` : '';
  return `${step} ${label}: done${ms === undefined ? '' : ` in ${formatDuration(ms)}`}${count}`;
}

export class Progress {
  constructor(
    private readonly context: CliContext,
    readonly mode: ProgressMode,
  ) {}

  /** The mode a command's progress takes: silent with --json, a bar when stderr is a terminal, else plain lines. */
  static for(context: CliContext, json: boolean): Progress {
    return new Progress(context, json ? 'silent' : context.stderrTerminal ? 'tty' : 'plain');
  }

  /** One line (not part of a step's bar). */
  line(text: string): void {
    if (this.mode !== 'silent') this.context.stderr(`${text}\n`);
  }

  /** Starts reporting a step. */
  step(name: string): StepProgress {
    if (this.mode === 'silent') return SILENT_STEP;
    const started = performance.now();
    let total = 0;
    let done = 0;
    if (this.mode === 'plain') {
      this.line(`${name}: running…`);
      return {
        total: (count) => {
          total = count;
        },
        item: (label, ms) => this.line(itemLine(name, label, ms, ++done, total)),
        end: (skipped, ms, note) => this.line(endLine(name, skipped, ms, note)),
        abort: () => {},
      };
    }
    return this.terminalStep(name, started);
  }

  /** A step on a terminal: a live bar below the finished lines, erased when the step ends. */
  private terminalStep(name: string, started: number): StepProgress {
    const stream = this.context.stderrTerminal as NodeJS.WriteStream;
    const bars = new cliProgress.MultiBar(
      {
        stream,
        clearOnComplete: true,
        hideCursor: true,
        format: `${name} [{bar}] {count}{elapsed}`,
        barsize: 30,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const elapsed = (): string => formatDuration(performance.now() - started);
    let total = 0;
    let done = 0;
    const bar = bars.create(1, 0, { count: '', elapsed: elapsed() });
    // The elapsed time moves on between folds too.
    const ticker = setInterval(() => bar.update({ elapsed: elapsed() }), 500);
    const stop = (): void => {
      clearInterval(ticker);
      bars.update(); // flushes fold lines logged since the last redraw
      bars.stop();
    };
    return {
      total: (count) => {
        total = count;
        bar.setTotal(Math.max(1, count));
        bar.update({ count: `${done}/${count} | `, elapsed: elapsed() });
      },
      item: (label, ms) => {
        done += 1;
        bars.log(`${itemLine(name, label, ms, done, total)}\n`);
        bar.update(Math.min(done, Math.max(1, total)), {
          count: total > 0 ? `${done}/${total} | ` : '',
          elapsed: elapsed(),
        });
      },
      end: (skipped, ms, note) => {
        stop();
        this.line(endLine(name, skipped, ms, note));
      },
      abort: stop,
    };
  }
}
