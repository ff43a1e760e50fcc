import { daysInMonth } from '../domain/EpochDay.js';
import { RESIDUAL_MODES } from '../layout/RunLayout.js';
import { aggregateLabel, AggregateSchema } from './sections/Builders.js';

export type AddIssue = (path: PropertyKey[], message: string, input: unknown) => void;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/**
 * Rules across fields and blocks. They read the partly parsed value defensively, because they run even when
 * other fields failed (so every problem is reported in one go); a rule whose inputs are invalid stays quiet,
 * as those inputs already have their own issue.
 */
export function crossFieldChecks(config: unknown, add: AddIssue): void {
  const start = field(config, 'feature_start_year');
  const end = field(config, 'feature_end_year');
  const yearsValid = isInt(start) && isInt(end);
  if (yearsValid && start > end)
    add(['feature_end_year'], `expected a year >= feature_start_year ${start}, got ${end}`, end);

  const testYears = field(config, 'experiment_protocol', 'test_years');
  if (yearsValid && start <= end && Array.isArray(testYears)) {
    testYears.forEach((y, i) => {
      if (!isInt(y)) return;
      const at = ['experiment_protocol', 'test_years', i];
      if (y < start || y > end)
        add(at, `${y} is outside the feature years ${start}-${end}; test years must lie inside them`, y);
      else if (y === start)
        add(at, `${y} leaves no training years (feature_start_year is ${start}); the first test year must be later`, y);
    });
  }

  const commodity = field(config, 'commodity');
  const month = field(commodity, 'season_start', 'month');
  const day = field(commodity, 'season_start', 'day');
  if (isInt(month) && month >= 1 && month <= 12 && isInt(day) && day >= 1) {
    // A non-leap year's month length: a season starting on 29 February would not exist in most years.
    const last = daysInMonth(2001, month);
    if (day > last)
      add(['commodity', 'season_start', 'day'], `expected a day 1-${last} for month ${month}, got ${day}`, day);
  }
  if (field(commodity, 'delivery_unit') === 'bu_acre' && field(commodity, 'bushel_weight_lbs') === undefined) {
    add(
      ['commodity', 'bushel_weight_lbs'],
      'required when delivery_unit is bu_acre (e.g. 56 for corn, 60 for soybeans and wheat)',
      undefined,
    );
  }
  const range = field(commodity, 'yield_range');
  if (Array.isArray(range) && typeof range[0] === 'number' && typeof range[1] === 'number' && range[0] >= range[1]) {
    add(['commodity', 'yield_range'], `expected [low, high] with low < high, got [${range[0]}, ${range[1]}]`, range);
  }
  const harvest = field(commodity, 'harvest_season_doy');
  const lag = field(commodity, 'lag_days');
  if (isInt(harvest) && isInt(lag) && lag >= harvest && lag <= 366) {
    add(
      ['commodity', 'lag_days'],
      `${lag} days is not shorter than the season (harvest_season_doy ${harvest}): no init date before harvest would see any of its season's data`,
      lag,
    );
  }
  const doys = field(commodity, 'hindcast_init_season_doys');
  if (Array.isArray(doys)) {
    doys.forEach((doy, i) => {
      if (!isInt(doy)) return;
      const at = ['commodity', 'hindcast_init_season_doys', i];
      const previous = doys[i - 1];
      if (isInt(harvest) && doy > harvest)
        add(at, `${doy} is after harvest_season_doy ${harvest}; init dates end at harvest`, doy);
      else if (i > 0 && isInt(previous) && doy <= previous)
        add(at, `${doy} does not follow ${previous}; list season days strictly ascending`, doy);
    });
  }

  const builders = field(config, 'builders');
  if (isRecord(builders)) {
    const yields = Object.keys(builders).filter((n) => field(builders[n], 'kind') === 'yields');
    if (yields.length !== 1) {
      add(
        ['builders'],
        `expected exactly one builder of kind yields (the target), found ${yields.length === 0 ? 'none' : yields.join(', ')}`,
        builders,
      );
    }
    for (const [builderName, builder] of Object.entries(builders)) {
      if (field(builder, 'kind') === 'indices') indicesChecks(builder, ['builders', builderName], add);
    }
  }

  const mode = field(config, 'forecast', 'residual_mode');
  const modes = field(config, 'postprocess', 'conformalise');
  if (
    (RESIDUAL_MODES as readonly unknown[]).includes(mode) &&
    Array.isArray(modes) &&
    modes.length > 0 &&
    !modes.includes(mode)
  ) {
    add(
      ['forecast', 'residual_mode'],
      `${mode} is not calibrated: add it to postprocess.conformalise (now ${modes.join(', ')})`,
      mode,
    );
  }
}

function indicesChecks(builder: unknown, at: PropertyKey[], add: AddIssue): void {
  const windows = field(builder, 'windows');
  if (Array.isArray(windows)) {
    const names = new Map<unknown, number>();
    windows.forEach((w, i) => {
      const s = field(w, 'start_season_doy');
      const e = field(w, 'end_season_doy');
      if (isInt(s) && isInt(e) && s > e)
        add([...at, 'windows', i, 'end_season_doy'], `expected a season day >= start_season_doy ${s}, got ${e}`, e);
      const n = field(w, 'name');
      const first = names.get(n);
      if (typeof n === 'string' && first !== undefined)
        add(
          [...at, 'windows', i, 'name'],
          `${JSON.stringify(n)} repeats the name of window [${first}]; window names must be distinct`,
          n,
        );
      else names.set(n, i);
    });
  }
  const variables = field(builder, 'variables');
  const aggregates = field(builder, 'aggregates');
  if (!Array.isArray(aggregates)) return;
  const labels = new Map<string, number>();
  aggregates.forEach((a, i) => {
    const subset = field(a, 'variables');
    if (Array.isArray(subset) && Array.isArray(variables)) {
      subset.forEach((v, j) => {
        if (typeof v === 'string' && !variables.includes(v)) {
          add(
            [...at, 'aggregates', i, 'variables', j],
            `${JSON.stringify(v)} is not one of the builder's variables (${variables.join(', ')})`,
            v,
          );
        }
      });
    }
    const base = field(a, 'base');
    const cap = field(a, 'cap');
    if (field(a, 'kind') === 'gdd' && typeof base === 'number' && typeof cap === 'number' && cap <= base) {
      add([...at, 'aggregates', i, 'cap'], `expected a cap above base ${base}, got ${cap}`, cap);
    }
    const parsed = AggregateSchema.safeParse(a);
    if (!parsed.success) return;
    // Two aggregates with one label would make the same feature column twice.
    const label = aggregateLabel(parsed.data);
    const first = labels.get(label);
    if (first !== undefined)
      add(
        [...at, 'aggregates', i],
        `makes the same feature names as aggregate [${first}] (${label}); give one a distinct name`,
        a,
      );
    else labels.set(label, i);
  });
}
