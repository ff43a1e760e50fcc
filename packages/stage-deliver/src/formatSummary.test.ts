import { describe, expect, it } from 'vitest';
import { formatSummary } from './formatSummary.js';

describe('formatSummary', () => {
  it('lists each file with its rows, the exports and the warnings', () => {
    const text = formatSummary({
      skipped: false,
      files: ['/r/delivery/a_ADM0.csv', '/r/delivery/a_ADM1.csv', '/r/delivery/a_ADM2.csv'],
      rows: [4, 8, 12],
      warnings: ['ADM0 80% band: empty in 4 of 4 rows'],
      exported: ['/x/a_ADM0.csv'],
    });
    expect(text.split('\n')).toEqual([
      'deliver: written',
      '  ADM0        4 rows  /r/delivery/a_ADM0.csv',
      '  ADM1        8 rows  /r/delivery/a_ADM1.csv',
      '  ADM2       12 rows  /r/delivery/a_ADM2.csv',
      '  exported  /x/a_ADM0.csv',
      '  warning: ADM0 80% band: empty in 4 of 4 rows',
    ]);
    expect(formatSummary({ skipped: true, files: [], rows: [], warnings: [] })).toBe('deliver: up to date (skipped)');
  });
});
