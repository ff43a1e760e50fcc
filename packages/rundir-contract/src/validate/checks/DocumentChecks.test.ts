import { describe, expect, it } from 'vitest';
import type { BiasCorrector, Detrender, Model } from '../../schemas/JsonArtifacts.js';
import { fixtureConfig } from '../../testing/index.js';
import { checkBiasCorrector } from './BiasCorrectorChecks.js';
import { checkDetrender } from './DetrenderChecks.js';
import { checkModel } from './ModelChecks.js';
import { formatViolation } from './Violation.js';

const config = fixtureConfig('/data');
const ctx = { path: 'm.json', config, fold: '2018' };
const lines = (violations: { path: string; at: string; expected: string; found: string }[]) =>
  violations.map(formatViolation);

describe('checkModel', () => {
  it('passes a consistent ridge model and names each length that disagrees', () => {
    const ridge: Model = {
      kind: 'ridge',
      feature_columns: ['a', 'b'],
      standardisation: { means: [1, 2], scales: [1, 1] },
      alpha: 1,
      intercept: 0,
      coefficients: [1, 2],
    };
    expect(checkModel(ridge, ctx)).toEqual([]);
    expect(
      lines(
        checkModel({ ...ridge, feature_columns: ['a', 'a'], standardisation: { means: [1], scales: [1, 1] } }, ctx),
      ),
    ).toEqual([
      'm.json: field "feature_columns[1]": expected each feature column once, found "a" repeated',
      'm.json: field "standardisation.means": expected 2 entries (one per feature column), found 1',
    ]);
  });

  it('PCA components are n_components × n_features with one coefficient per component', () => {
    const pca: Model = {
      kind: 'pca_ridge',
      feature_columns: ['a', 'b', 'c'],
      standardisation: { means: [0, 0, 0], scales: [1, 1, 1] },
      alpha: 1,
      components: [
        [1, 0, 0],
        [0, 1],
      ],
      intercept: 0,
      coefficients: [1],
    };
    // The fixture config asks for ridge: the kind is reported too.
    expect(lines(checkModel(pca, ctx))).toEqual([
      'm.json: field "kind": expected "ridge" (model.regression), found "pca_ridge"',
      'm.json: field "components[1]": expected 3 entries (n_components × n_features), found 2',
      'm.json: field "coefficients": expected 2 entries (one per PCA component), found 1',
    ]);
  });

  it('GBDT child indices point inside the tree, each node reached once', () => {
    const tree = {
      feature: [0, -1, -1],
      threshold: [0.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      default_left: [true, false, false],
      value: [0, 1, 2],
    };
    const gbdt: Model = {
      kind: 'gbdt',
      feature_columns: ['a'],
      base_score: 0,
      learning_rate: 0.1,
      trees: [tree],
      params: {},
    };
    const gbdtCtx = { path: 'g.json' };
    expect(checkModel(gbdt, gbdtCtx)).toEqual([]);
    expect(
      lines(checkModel({ ...gbdt, trees: [{ ...tree, left: [1, -1, -1], right: [5, -1, -1] }] }, gbdtCtx)),
    ).toEqual([
      'g.json: field "trees[0]" node 0: expected child indices in [1, 3) other than the node itself, found 5',
      'g.json: field "trees[0]" node 2: expected a node reached from exactly one parent (a tree, no cycle), found 0 parents',
    ]);
    expect(lines(checkModel({ ...gbdt, trees: [{ ...tree, feature: [3, -1, -1], value: [0, 1] }] }, gbdtCtx))).toEqual([
      'g.json: field "trees[0].value": expected 3 entries (one per node, as "feature"), found 2',
    ]);
  });
});

describe('checkDetrender', () => {
  const detrender: Detrender = {
    kind: 'linear_state',
    origin_year: 1980,
    params: {},
    groups: [
      { geo_identifier: 'ADM0:USA', intercept_kg_ha: 1, slope_kg_ha_per_year: 1, n_years: 5 },
      { geo_identifier: 'ADM0:USA/ADM1:iowa', intercept_kg_ha: 1, slope_kg_ha_per_year: 1, n_years: 5 },
    ],
  };
  it('needs unique groups of the country and a national group', () => {
    expect(checkDetrender(detrender, ctx)).toEqual([]);
    const broken = {
      ...detrender,
      groups: [
        detrender.groups[1]!,
        detrender.groups[1]!,
        { ...detrender.groups[1]!, geo_identifier: 'ADM0:BRA/ADM1:parana' },
      ],
    };
    expect(lines(checkDetrender(broken, ctx))).toEqual([
      'm.json: field "groups[1].geo_identifier": expected each group once, found "ADM0:USA/ADM1:iowa" again (first at groups[0])',
      'm.json: field "groups[2].geo_identifier": expected a geo identifier of USA, found "ADM0:BRA/ADM1:parana" (an ADM1 identifier)',
      'm.json: field "groups": expected a national group ADM0:USA (the fallback of states without history), found none',
    ]);
  });

  it('takes groups of every level of the country, and names what is wrong with any other', () => {
    const county = { ...detrender.groups[1]!, geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:story' };
    expect(checkDetrender({ ...detrender, groups: [...detrender.groups, county] }, ctx)).toEqual([]);
    const others = ['ADM0:BRA', 'ADM0:USA/ADM1:Iowa', 'iowa'].map((geo) => ({ ...county, geo_identifier: geo }));
    expect(lines(checkDetrender({ ...detrender, groups: [...detrender.groups, ...others] }, ctx))).toEqual([
      'm.json: field "groups[2].geo_identifier": expected a geo identifier of USA, found "ADM0:BRA" (country BRA) (3 rows in all)',
    ]);
    for (const geo of ['ADM0:USA/ADM1:Iowa', 'iowa']) {
      const bad = { ...detrender, groups: [...detrender.groups, { ...county, geo_identifier: geo }] };
      expect(lines(checkDetrender(bad, ctx))).toEqual([
        `m.json: field "groups[2].geo_identifier": expected a geo identifier of USA, found ${JSON.stringify(geo)} (not a geo identifier)`,
      ]);
    }
  });
});

describe('checkBiasCorrector', () => {
  it('none has bias 0; coverage uses at most n_lookback_years years before the test year', () => {
    const none: BiasCorrector = { kind: 'none', bias_kg_ha: 0, n_lookback_years: 10, years_used: [] };
    expect(checkBiasCorrector(none, ctx)).toEqual([]);
    expect(lines(checkBiasCorrector({ ...none, bias_kg_ha: 12.5 }, ctx))).toEqual([
      'm.json: field "bias_kg_ha": expected 0 (kind none corrects nothing), found 12.5',
    ]);
    const coverage: BiasCorrector = {
      kind: 'coverage',
      bias_kg_ha: 3,
      n_lookback_years: 2,
      years_used: [2016, 2017, 2018],
    };
    expect(lines(checkBiasCorrector(coverage, { path: 'b.json', fold: '2018' }))).toEqual([
      'b.json: field "years_used": expected at most 2 distinct years (n_lookback_years), found [2016, 2017, 2018]',
      'b.json: field "years_used": expected years before the test year 2018, found 2018',
    ]);
  });
});
