import { EvaluationError } from '../errors/ContractError.js';
import type { Detrender } from '../schemas/JsonArtifacts.js';

/**
 * The additive trend of `detrender.json` (pipeline.md → Detrending), evaluated the same way by FIT (train preds),
 * PREDICT and anyone else:
 *
 *   trend(geo, Y) = intercept_kg_ha + slope_kg_ha_per_year · (Y − origin_year)
 *
 * with the coefficients of the most specific group that exists: the county's own group, else its state's (ADM1),
 * else the nation's (ADM0). Every kind stores its fitted coefficients this way: `linear_state` writes state and
 * national groups only, `linear_county` and `partial_pooling` also county groups (already shrunk / pooled toward
 * the state). `partial_pooling` with `params.fixed_slope_kg_ha_per_year` writes that slope into every group; the
 * evaluator refuses a document whose groups disagree with its fixed slope rather than guessing which one is meant.
 */
export type TrendFunction = (geo: string, seasonYear: number) => number;

interface TrendCoefficients {
  intercept: number;
  slope: number;
}

/** Compiles a detrender once (group lookup table, fixed-slope check) into a fast `(geo, seasonYear) → kg/ha`. */
export function trendFunction(detrender: Detrender, where = 'detrender.json'): TrendFunction {
  const groups = new Map<string, TrendCoefficients>();
  const fixedSlope = detrender.params['fixed_slope_kg_ha_per_year'];
  for (const group of detrender.groups) {
    if (typeof fixedSlope === 'number' && group.slope_kg_ha_per_year !== fixedSlope) {
      throw new EvaluationError(
        `${where}: group ${group.geo_identifier} has slope_kg_ha_per_year ${group.slope_kg_ha_per_year} but params.fixed_slope_kg_ha_per_year is ${fixedSlope}; ` +
          'a fixed slope is written into every group — refit with commodity-hindcast run fit',
      );
    }
    groups.set(group.geo_identifier, { intercept: group.intercept_kg_ha, slope: group.slope_kg_ha_per_year });
  }
  const resolved = new Map<string, TrendCoefficients>();
  const origin = detrender.origin_year;
  return (geo, seasonYear) => {
    let coefficients = resolved.get(geo);
    if (coefficients === undefined) {
      coefficients = lookup(groups, geo, where);
      resolved.set(geo, coefficients);
    }
    return coefficients.intercept + coefficients.slope * (seasonYear - origin);
  };
}

/** The trend of one geo in one season year (kg/ha). For many rows, compile once with `trendFunction`. */
export function evaluateTrend(detrender: Detrender, geo: string, seasonYear: number): number {
  return trendFunction(detrender)(geo, seasonYear);
}

function lookup(groups: ReadonlyMap<string, TrendCoefficients>, geo: string, where: string): TrendCoefficients {
  for (const candidate of ancestry(geo)) {
    const found = groups.get(candidate);
    if (found !== undefined) return found;
  }
  throw new EvaluationError(
    `${where}: no trend group for ${geo} nor any of its ancestors (${ancestry(geo).slice(1).join(', ') || 'none'}); ` +
      'a detrender always holds a national group — refit with commodity-hindcast run fit',
  );
}

/** `ADM0:USA/ADM1:iowa/ADM2:story` → itself, `ADM0:USA/ADM1:iowa`, `ADM0:USA`. */
function ancestry(geo: string): string[] {
  const parts = geo.split('/');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/'));
}
