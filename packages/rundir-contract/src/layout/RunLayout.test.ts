import { describe, expect, it } from 'vitest';
import { ARTIFACTS, matchArtifact, stageReads, stageWrites } from './Artifacts.js';
import {
  biasCorrectorPath,
  conformalPath,
  detrenderPath,
  foldLabel,
  forecastDeliveryPath,
  forecastIndicesPath,
  formatRunId,
  hindcastDeliveryPath,
  manifestPath,
  parseRunId,
  runPath,
  walkForwardPredsPath,
} from './RunLayout.js';

describe('run ids', () => {
  it('format as YYYYMMDD_HHMMSS_<key> in UTC and parse back', () => {
    const at = new Date(Date.UTC(2024, 7, 1, 9, 5, 7));
    const id = formatRunId(at, 'corn_usa');
    expect(id).toBe('20240801_090507_corn_usa');
    expect(parseRunId(id)).toEqual({ timestamp: '20240801_090507', createdAt: at, experimentKey: 'corn_usa' });
    expect(parseRunId('20240801_090507_maize_esp')?.experimentKey).toBe('maize_esp');
  });

  it('refuse bad keys and bad timestamps', () => {
    expect(() => formatRunId(new Date(), 'Corn_USA')).toThrow(/not an experiment key/);
    expect(() => formatRunId(new Date(), 'corn')).toThrow(/not an experiment key/);
    expect(() => formatRunId(new Date(), '../x_y')).toThrow(/not an experiment key/);
    expect(parseRunId('20241301_000000_corn_usa')).toBeUndefined();
    expect(parseRunId('runs')).toBeUndefined();
  });
});

describe('path builders', () => {
  it('follow rundir-layout.md', () => {
    expect(detrenderPath('corn_usa', 2018)).toBe('models/corn_usa/2018/detrender.json');
    expect(walkForwardPredsPath('corn_usa', '2018')).toBe('preds/corn_usa/2018/walk_forward_preds.parquet');
    expect(biasCorrectorPath('corn_usa', 'production')).toBe('postprocessed/corn_usa/production/bias_corrector.json');
    expect(conformalPath('in_sample_pooled')).toBe('conformal/in_sample_pooled.parquet');
    expect(hindcastDeliveryPath('corn_usa', 0, new Date(Date.UTC(2026, 10, 26, 23, 59)))).toBe(
      'delivery/Treefera_corn_usa_ADM0_Hindcast_20261126.csv',
    );
    const slice = { seasonYear: 2024, initDate: '2024-08-01' };
    expect(forecastIndicesPath(slice)).toBe('forecast/2024/2024-08-01/indices.zarr');
    expect(forecastDeliveryPath(slice, 'corn_usa', 2)).toBe(
      'forecast/2024/2024-08-01/delivery/Treefera_corn_usa_ADM2_Forecast_2024-08-01.csv',
    );
    expect(manifestPath('fit', '2018')).toBe('_manifests/fit/2018.json');
    expect(manifestPath('forecast', 'forecast/2024/2024-08-01')).toBe(
      '_manifests/forecast/forecast/2024/2024-08-01.json',
    );
    expect(manifestPath('create')).toBe('_manifests/create.json');
    expect(runPath('s3://b-1/runs/r', detrenderPath('corn_usa', 2018))).toBe(
      's3://b-1/runs/r/models/corn_usa/2018/detrender.json',
    );
  });

  it('refuse invalid folds, dates, modes and scopes', () => {
    expect(() => foldLabel('18')).toThrow(/not a fold label/);
    expect(() => foldLabel('../2018')).toThrow(/not a fold label/);
    expect(() => forecastIndicesPath({ seasonYear: 2024, initDate: '2024-02-30' })).toThrow(/not a valid ISO date/);
    expect(() => conformalPath('made_up')).toThrow(/not one of/);
    expect(() => manifestPath('fit', '../x')).toThrow(/"\.\."/);
  });
});

describe('artifact declarations', () => {
  it('classify every builder output as its artifact', () => {
    const slice = { seasonYear: 2024, initDate: '2024-08-01' };
    const cases: Array<[string, string]> = [
      ['_rundir.json', 'rundir'],
      ['config_resolved.yaml', 'config_resolved'],
      [detrenderPath('corn_usa', 2018), 'detrender'],
      [walkForwardPredsPath('corn_usa', 2018), 'walk_forward_preds'],
      [conformalPath('hindcast_oos_per_year'), 'conformal'],
      [hindcastDeliveryPath('corn_usa', 1, new Date()), 'hindcast_delivery'],
      [forecastIndicesPath(slice), 'forecast_indices'],
      [`${forecastIndicesPath(slice)}/ndvi/c/0/0`, 'forecast_indices'],
      [forecastDeliveryPath(slice, 'corn_usa', 0), 'forecast_delivery'],
      [manifestPath('fit', '2018'), 'manifest'],
    ];
    for (const [path, id] of cases) expect(matchArtifact(path)?.id, path).toBe(id);
    expect(matchArtifact('models/corn_usa/2018/detrender.pkl')).toBeUndefined();
    expect(matchArtifact('random.txt')).toBeUndefined();
  });

  it('every stage that reads an artifact comes after the one that writes it in the lifecycle', () => {
    expect(new Set(ARTIFACTS.map((a) => a.id)).size).toBe(ARTIFACTS.length);
    expect(stageWrites('fit').map((a) => a.id)).toEqual(
      expect.arrayContaining(['detrender', 'model', 'feature_fill_values', 'train_preds', 'included_geo_identifiers']),
    );
    expect(stageReads('predict').map((a) => a.id)).toEqual(
      expect.arrayContaining(['detrender', 'model', 'feature_fill_values']),
    );
  });
});
