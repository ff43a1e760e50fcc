import { describe, expect, it } from 'vitest';
import type { CliContext } from './CliContext.js';
import { Progress } from './Progress.js';

function context(): { context: CliContext; stderr: string[] } {
  const stderr: string[] = [];
  return {
    stderr,
    context: { stdout: () => {}, stderr: (text) => void stderr.push(text), env: {}, cwd: '/' },
  };
}

describe('Progress', () => {
  it('not on a terminal: plain lines, one per step start, fold and step end, with counts and times', () => {
    const { context: ctx, stderr } = context();
    const progress = Progress.for(ctx, false);
    expect(progress.mode).toBe('plain');
    const fit = progress.step('fit');
    fit.total(3);
    fit.item('2013', 1500);
    fit.item('2014', undefined);
    fit.end(false, 61_000, '3 folds');
    const evaluate = progress.step('evaluate');
    evaluate.end(true, 12, '');
    expect(stderr.join('')).toBe(
      [
        'fit: running…',
        'fit 2013: done in 1.5 s (1/3)',
        'fit 2014: done (2/3)',
        'fit: done in 61.0 s — 3 folds',
        'evaluate: running…',
        'evaluate: up to date in 12 ms',
        '',
      ].join('\n'),
    );
  });

  it('with --json: nothing at all', () => {
    const { context: ctx, stderr } = context();
    const progress = Progress.for(ctx, true);
    expect(progress.mode).toBe('silent');
    progress.line('x');
    const step = progress.step('fit');
    step.total(2);
    step.item('2013', 5);
    step.end(false, 5, 'note');
    expect(stderr).toEqual([]);
  });

  it('on a terminal (stderrTerminal set): the bar mode', () => {
    const { context: ctx } = context();
    expect(Progress.for({ ...ctx, stderrTerminal: process.stderr }, false).mode).toBe('tty');
    expect(Progress.for({ ...ctx, stderrTerminal: process.stderr }, true).mode).toBe('silent');
  });
});
