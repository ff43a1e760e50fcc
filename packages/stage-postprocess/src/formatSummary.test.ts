import { describe, expect, it } from 'vitest';
import { formatSummary } from './formatSummary.js';

describe('formatSummary', () => {
  it('hindcast: one line per sidecar with its residual counts and infinite half-widths, one per bias corrector, warnings last', () => {
    const text = formatSummary({
      mode: 'hindcast',
      skipped: false,
      calibrations: [
        {
          mode: 'hindcast_oos_per_year',
          rows: 108,
          levels: [
            { adm: 'ADM0', minResiduals: 0, maxResiduals: 2, infinite: 5 },
            { adm: 'ADM1', minResiduals: 0, maxResiduals: 4, infinite: 4 },
            { adm: 'ADM2', minResiduals: 6, maxResiduals: 6, infinite: 1 },
          ],
        },
      ],
      national: '/r/postprocessed/national.parquet',
      manifest: '/r/_manifests/postprocess.json',
      biasCorrectors: [{ fold: '2018', kind: 'coverage', biasKgHa: 363.636, yearsUsed: [2010, 2017] }],
      warnings: ['fold production: no year'],
    });
    expect(text).toBe(
      [
        'postprocess hindcast: written',
        '  conformal hindcast_oos_per_year: 108 rows; ADM0 n=0-2 (5 infinite), ADM1 n=0-4 (4 infinite), ADM2 n=6 (1 infinite)',
        '  bias      fold 2018: coverage 363.6 kg/ha (years 2010-2017)',
        '  national  /r/postprocessed/national.parquet',
        '  manifest  /r/_manifests/postprocess.json',
        '  warning   fold production: no year',
      ].join('\n'),
    );
  });

  it('forecast: the residual mode and key the bands came from', () => {
    expect(formatSummary({ mode: 'forecast', skipped: true, national: '/n', manifest: '/m', warnings: [] })).toBe(
      'postprocess forecast: up to date (skipped)\n  national  /n\n  manifest  /m',
    );
    expect(
      formatSummary({
        mode: 'forecast',
        skipped: false,
        national: '/n',
        manifest: '/m',
        residualMode: 'hindcast_oos_per_init_date',
        calibrationKey: '120',
        warnings: [],
      }),
    ).toContain('  bands     hindcast_oos_per_init_date, key 120');
  });
});
