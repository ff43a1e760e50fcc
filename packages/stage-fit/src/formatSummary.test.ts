import { describe, expect, it } from 'vitest';
import { formatSummary } from './formatSummary.js';

describe('formatSummary', () => {
  it('counts fitted and skipped folds and lists each with its training rows', () => {
    const text = formatSummary({
      folds: [
        { fold: '2018', skipped: true, trainRows: 48 },
        { fold: 'production', skipped: false, trainRows: 66 },
      ],
      universe: 6,
    });
    expect(text).toBe(
      [
        'fit: 1 fold fitted, 1 up to date (skipped); universe 6 counties',
        '  2018       skipped  48 training rows',
        '  production fitted   66 training rows',
      ].join('\n'),
    );
  });
});
