import { isGeoIdentifier, parseGeoIdentifier } from '../../domain/GeoIdentifier.js';
import type { Detrender } from '../../schemas/JsonArtifacts.js';
import { geoProblem } from './FrameAccess.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

/** pipeline.md → Detrending: the year axis is the season year minus 1980. */
const ORIGIN_YEAR = 1980;

/**
 * `detrender.json`: the kind the config names; origin year 1980; groups unique, each a geo identifier of the
 * config's country; a national group present (a state with no history falls back to it).
 */
export function checkDetrender(detrender: Detrender, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const country = ctx.config?.commodity.country_code;
  const kind = ctx.config?.model.detrend;
  if (kind !== undefined && detrender.kind !== kind)
    out.add('kind', 'field "kind"', `${show(kind)} (model.detrend)`, show(detrender.kind));
  if (detrender.origin_year !== ORIGIN_YEAR)
    out.add('origin', 'field "origin_year"', `${ORIGIN_YEAR}`, `${detrender.origin_year}`);
  const seen = new Map<string, number>();
  detrender.groups.forEach((group, i) => {
    const geo = group.geo_identifier;
    const first = seen.get(geo);
    if (first !== undefined)
      out.add(
        'unique',
        `field "groups[${i}].geo_identifier"`,
        'each group once',
        `${show(geo)} again (first at groups[${first}])`,
      );
    else seen.set(geo, i);
    // A group of any level (nation, state, county) of the country; parsed once, the message only for a bad one.
    const parsed = isGeoIdentifier(geo) ? parseGeoIdentifier(geo) : undefined;
    if (!(parsed && parsed.level <= 2 && (country === undefined || parsed.country === country)))
      out.add(
        'geo',
        `field "groups[${i}].geo_identifier"`,
        `a geo identifier${country ? ` of ${country}` : ''}`,
        geoProblem(geo, 0, country) as string,
      );
  });
  const national = [...seen.keys()].filter((geo) => /^ADM0:[A-Z]{3}$/.test(geo));
  const expected = country ? `ADM0:${country}` : undefined;
  if (expected ? !seen.has(expected) : national.length === 0) {
    out.add(
      'national',
      'field "groups"',
      `a national group ${expected ?? 'ADM0:<ISO3>'} (the fallback of states without history)`,
      national.length === 0 ? 'none' : national.join(', '),
    );
  }
  return out.violations;
}
