import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  collectConfigOverride,
  parseInteger,
  parseIsoDate,
  parseSeasonYear,
  resolveLocation,
} from './ArgumentParsers.js';

describe('argument parsers', () => {
  it('parses integers and refuses everything else', () => {
    expect(parseInteger('7')).toBe(7);
    expect(parseInteger('-3')).toBe(-3);
    for (const bad of ['7.5', 'seven', '', '1e3', '99999999999999999999'])
      expect(() => parseInteger(bad)).toThrow(InvalidArgumentError);
  });

  it('accepts four-digit season years only', () => {
    expect(parseSeasonYear('2024')).toBe(2024);
    expect(() => parseSeasonYear('24')).toThrow('expected a four-digit season year, got "24"');
  });

  it('accepts real calendar dates only', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseIsoDate('2023-02-29')).toThrow('expected a calendar date YYYY-MM-DD, got "2023-02-29"');
    expect(() => parseIsoDate('2024-7-1')).toThrow(InvalidArgumentError);
  });

  it('collects --set overrides, typing JSON values and keeping text', () => {
    let flags = collectConfigOverride('model.regression=ridge');
    flags = collectConfigOverride('model.regression_params.alpha=10', flags);
    flags = collectConfigOverride('experiment_protocol.test_years=[2018,2019]', flags);
    flags = collectConfigOverride('delivery.model_public_name="007"', flags);
    expect(flags).toEqual({
      'model.regression': 'ridge',
      'model.regression_params.alpha': 10,
      'experiment_protocol.test_years': [2018, 2019],
      'delivery.model_public_name': '007',
    });
    expect(() => collectConfigOverride('ridge')).toThrow('expected <field.path>=<value>');
    expect(() => collectConfigOverride('.model=1')).toThrow(InvalidArgumentError);
  });

  it('resolves local paths against the working directory and keeps S3 URIs', () => {
    expect(resolveLocation('runs/x', '/data')).toBe('/data/runs/x');
    expect(resolveLocation('/abs/x', '/data')).toBe('/abs/x');
    expect(resolveLocation('s3://bucket/runs/x', '/data')).toBe('s3://bucket/runs/x');
  });
});
