import { epochDayToIso } from '../../domain/EpochDay.js';
import { nationalSchema } from '../../schemas/Tables.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { isoAt, numberAt, stringAt } from './FrameAccess.js';
import { agrees, show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

/** `lower_<pct>_kg_ha`, `upper_<pct>_kg_ha` per level ascending (pct = round(100·level)). */
export function nationalBoundColumns(levels: readonly number[]): string[] {
  return [...levels]
    .sort((a, b) => a - b)
    .flatMap((level) => {
      const pct = Math.round(100 * level);
      return [`lower_${pct}_kg_ha`, `upper_${pct}_kg_ha`];
    });
}

const BOUND = /^(lower|upper)_(\d+)_kg_ha$/;
const FINITE_COLUMNS = [
  'area_harvested_ha',
  'obs_yield_kg_ha',
  'trend_kg_ha',
  'sim_yield_kg_ha_detrended',
  'sim_yield_kg_ha',
  'bias_kg_ha',
  'sim_yield_kg_ha_corrected',
];

/** The bound columns a file holds, checked as lower/upper pairs by ascending level; undefined when they are not. */
function pairedLevels(columns: readonly string[]): number[] | undefined {
  const pcts: number[] = [];
  for (let i = 0; i < columns.length; i += 2) {
    const lower = BOUND.exec(columns[i] ?? '');
    const upper = BOUND.exec(columns[i + 1] ?? '');
    if (!lower || !upper || lower[1] !== 'lower' || upper[1] !== 'upper' || lower[2] !== upper[2]) return undefined;
    const pct = Number(lower[2]);
    if (pcts.length > 0 && pct <= (pcts.at(-1) as number)) return undefined;
    pcts.push(pct);
  }
  return pcts;
}

/**
 * National series (rundir-layout.md → National series): bound columns exactly the configured levels, paired and
 * ascending; `geo_identifier` the config's ADM0; `sim = trend + detrended`; `corrected = sim − bias`; bias 0
 * under the `none` corrector; measures finite; for each level lower ≤ corrected ≤ upper (±Infinity allowed), and a
 * higher level's band contains a lower one's; `fold` the row's year (`production` and the slice in a forecast).
 */
export function checkNational(frame: Frame, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const { config, slice } = ctx;
  const own = new Set(nationalSchema.columns.map((c) => c.name));
  const bounds = frame.columnNames.filter((name) => !own.has(name));
  const expectedBounds = config ? nationalBoundColumns(config.delivery.ci_levels) : undefined;
  if (expectedBounds ? bounds.join() !== expectedBounds.join() : pairedLevels(bounds) === undefined) {
    out.add(
      'bounds',
      'bound columns after sim_yield_kg_ha_corrected',
      expectedBounds
        ? `${expectedBounds.join(', ')} (delivery.ci_levels ${config?.delivery.ci_levels.join(', ')}, paired, ascending)`
        : 'lower_<pct>_kg_ha, upper_<pct>_kg_ha pairs by ascending level',
      bounds.length === 0 ? 'none' : bounds.join(', '),
    );
  }
  const pairs = (pairedLevels(bounds) ?? []).map((pct) => ({
    pct,
    lower: `lower_${pct}_kg_ha`,
    upper: `upper_${pct}_kg_ha`,
  }));
  const adm0 = config ? `ADM0:${config.commodity.country_code}` : undefined;
  const noBias = config?.postprocess.bias_corrector.kind === 'none';

  for (let i = 0; i < frame.numRows; i++) {
    const row = `row ${i}`;
    for (const column of FINITE_COLUMNS) {
      const v = numberAt(frame, column, i);
      if (v !== null && !Number.isFinite(v))
        out.add(`finite ${column}`, `${row} column "${column}"`, 'a finite number or null', show(v));
    }
    const geo = stringAt(frame, 'geo_identifier', i);
    if (adm0 ? geo !== adm0 : !/^ADM0:[A-Z]{3}$/.test(geo ?? ''))
      out.add('geo', `${row} column "geo_identifier"`, adm0 ?? 'ADM0:<ISO3>', show(geo));
    const year = numberAt(frame, 'year', i) as number;
    const fold = stringAt(frame, 'fold', i);
    const expectedFold = slice ? 'production' : String(year);
    if (fold !== expectedFold)
      out.add(
        'fold',
        `${row} column "fold"`,
        `${show(expectedFold)} (${slice ? 'forecast slices use the production model' : "the row's test year"})`,
        show(fold),
      );
    if (slice && year !== slice.seasonYear)
      out.add('year', `${row} column "year"`, `${slice.seasonYear} (the slice's season year)`, show(year));
    if (slice && epochDayToIso(numberAt(frame, 'init_date', i) as number) !== slice.initDate) {
      out.add(
        'init',
        `${row} column "init_date"`,
        `${slice.initDate} (the slice's init date)`,
        isoAt(frame, 'init_date', i),
      );
    }
    if (!((numberAt(frame, 'n_geos', i) as number) >= 0))
      out.add('n_geos', `${row} column "n_geos"`, 'a count >= 0', show(numberAt(frame, 'n_geos', i)));

    const trend = numberAt(frame, 'trend_kg_ha', i) as number;
    const detrended = numberAt(frame, 'sim_yield_kg_ha_detrended', i) as number;
    const sim = numberAt(frame, 'sim_yield_kg_ha', i) as number;
    const bias = numberAt(frame, 'bias_kg_ha', i) as number;
    const corrected = numberAt(frame, 'sim_yield_kg_ha_corrected', i) as number;
    if (!agrees(sim, trend + detrended, Math.abs(trend) + Math.abs(detrended))) {
      out.add(
        'sum',
        `${row} column "sim_yield_kg_ha"`,
        `trend_kg_ha + sim_yield_kg_ha_detrended = ${trend + detrended} (within 1e-9 relative)`,
        show(sim),
      );
    }
    if (!agrees(corrected, sim - bias, Math.abs(sim) + Math.abs(bias))) {
      out.add(
        'corrected',
        `${row} column "sim_yield_kg_ha_corrected"`,
        `sim_yield_kg_ha - bias_kg_ha = ${sim - bias} (within 1e-9 relative)`,
        show(corrected),
      );
    }
    if (noBias && bias !== 0)
      out.add('bias', `${row} column "bias_kg_ha"`, '0 (postprocess.bias_corrector.kind is none)', show(bias));

    let inner: { lower: number; upper: number; pct: number } | undefined;
    for (const { pct, lower, upper } of pairs) {
      const lo = numberAt(frame, lower, i) as number;
      const hi = numberAt(frame, upper, i) as number;
      if (!(lo <= corrected && corrected <= hi) || lo === Infinity || hi === -Infinity) {
        out.add(
          `band ${pct}`,
          `${row} columns "${lower}", "${upper}"`,
          `${lower} <= sim_yield_kg_ha_corrected ${show(corrected)} <= ${upper}`,
          `${show(lo)} and ${show(hi)}`,
        );
      } else if (inner && (lo > inner.lower || hi < inner.upper)) {
        out.add(
          `nested ${pct}`,
          `${row} columns "${lower}", "${upper}"`,
          `a band containing the ${inner.pct}% band [${inner.lower}, ${inner.upper}]`,
          `[${lo}, ${hi}]`,
        );
      }
      inner = { lower: lo, upper: hi, pct };
    }
  }
  return out.violations;
}
