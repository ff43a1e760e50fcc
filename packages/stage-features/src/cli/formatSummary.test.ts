import { describe, expect, it } from 'vitest';
import { formatSummary } from './formatSummary.js';

describe('formatSummary', () => {
  it('hindcast: rows, features, seasons, dropped columns and the folder', () => {
    const line = formatSummary({
      mode: 'hindcast',
      skipped: false,
      digest: 'd',
      rows: { fit: 7, pred: 224 },
      features: ['a', 'b'],
      dropped: ['c'],
      years: [2018, 2019, 2020],
      paths: {
        fit: '/f/corn_usa/fit.parquet',
        pred: '/f/corn_usa/pred.parquet',
        metadata: '/f/corn_usa/metadata.json',
      },
    });
    expect(line).toBe(
      'features: written: 7 fit rows, 224 pred rows, 2 features, seasons 2018-2020; dropped all-missing: c → /f/corn_usa/',
    );
  });

  it('forecast: skipped slices say how to rebuild', () => {
    const line = formatSummary({
      mode: 'forecast',
      skipped: true,
      rows: 3,
      features: ['a'],
      path: '/r/forecast/2022/2022-07-01/features/pred.parquet',
      manifest: '/r/m.json',
    });
    expect(line).toBe(
      'features: forecast slice up to date (skipped; --force rebuilds): 3 rows × 1 features → /r/forecast/2022/2022-07-01/features/pred.parquet',
    );
  });
});
