import type { BiasCorrector } from '../../schemas/JsonArtifacts.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

/**
 * `bias_corrector.json`: the kind and look-back the config names; `none` has bias 0 and uses no year; `coverage`
 * uses at most n_lookback_years distinct years, all before the fold's test year.
 */
export function checkBiasCorrector(corrector: BiasCorrector, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const configured = ctx.config?.postprocess.bias_corrector;
  if (configured && corrector.kind !== configured.kind)
    out.add('kind', 'field "kind"', `${show(configured.kind)} (postprocess.bias_corrector.kind)`, show(corrector.kind));
  if (configured && corrector.n_lookback_years !== configured.n_lookback_years) {
    out.add(
      'lookback',
      'field "n_lookback_years"',
      `${configured.n_lookback_years} (postprocess.bias_corrector.n_lookback_years)`,
      `${corrector.n_lookback_years}`,
    );
  }
  if (corrector.kind === 'none') {
    if (corrector.bias_kg_ha !== 0)
      out.add('none bias', 'field "bias_kg_ha"', '0 (kind none corrects nothing)', show(corrector.bias_kg_ha));
    if (corrector.years_used.length > 0)
      out.add(
        'none years',
        'field "years_used"',
        '[] (kind none uses no year)',
        `[${corrector.years_used.join(', ')}]`,
      );
    return out.violations;
  }
  const distinct = new Set(corrector.years_used);
  if (distinct.size !== corrector.years_used.length || distinct.size > corrector.n_lookback_years) {
    out.add(
      'years',
      'field "years_used"',
      `at most ${corrector.n_lookback_years} distinct years (n_lookback_years)`,
      `[${corrector.years_used.join(', ')}]`,
    );
  }
  const testYear = ctx.fold !== undefined && /^\d{4}$/.test(ctx.fold) ? Number(ctx.fold) : undefined;
  const late = testYear === undefined ? undefined : corrector.years_used.find((y) => y >= testYear);
  if (late !== undefined) out.add('late', 'field "years_used"', `years before the test year ${testYear}`, `${late}`);
  return out.violations;
}
