// PROVISIONAL: the contract's evaluators (trendFunction, applyFillValues, FeatureFrame, predict) land on branch
// `evaluators`; until it is merged this file mirrors their signatures and formulas so FIT can be written against
// them. After the merge it re-exports the contract's, and FIT's train preds are computed by PREDICT's very code.
import type { Detrender, Model } from '@commodity-hindcast/rundir-contract/schemas';

export interface FeatureFrame {
  readonly numRows: number;
  readonly year: Int32Array;
  readonly geoIdentifier: readonly string[];
  readonly initDate: Int32Array;
  readonly featureNames: readonly string[];
  readonly features: readonly Float64Array[];
}

export type FillValues = ReadonlyMap<string, number>;

export function trendFunction(detrender: Detrender): (geo: string, seasonYear: number) => number {
  const groups = new Map(detrender.groups.map((g) => [g.geo_identifier, g]));
  return (geo, seasonYear) => {
    const parts = geo.split('/');
    for (let k = parts.length; k > 0; k--) {
      const g = groups.get(parts.slice(0, k).join('/'));
      if (g) return g.intercept_kg_ha + g.slope_kg_ha_per_year * (seasonYear - detrender.origin_year);
    }
    throw new Error(`no trend group for ${geo}`);
  };
}

export function applyFillValues(frame: FeatureFrame, fillValues: FillValues): FeatureFrame {
  return { ...frame, features: frame.features.map((x, j) => x.map((v) => (Number.isNaN(v) ? (fillValues.get(frame.featureNames[j] as string) as number) : v))) };
}

export function predict(model: Model, frame: FeatureFrame): Float64Array {
  if (model.kind === 'gbdt') throw new Error('gbdt prediction needs the contract evaluators');
  const n = frame.numRows;
  const z = frame.features.map((x, j) => x.map((v) => (v - (model.standardisation.means[j] as number)) / (model.standardisation.scales[j] as number)));
  const terms =
    model.kind === 'ridge'
      ? z
      : model.components.map((component) => {
          const s = new Float64Array(n);
          component.forEach((loading, j) => {
            for (let i = 0; i < n; i++) s[i] = (s[i] as number) + loading * ((z[j] as Float64Array)[i] as number);
          });
          return s;
        });
  const out = new Float64Array(n).fill(model.intercept);
  terms.forEach((term, k) => {
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (model.coefficients[k] as number) * (term[i] as number);
  });
  return out;
}
