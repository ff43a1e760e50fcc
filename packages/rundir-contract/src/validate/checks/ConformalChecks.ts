import { CI_LEVELS, CONFORMAL_METHODS } from '../../config/ExperimentConfig.js';
import { calibrationScope } from '../../domain/CalibrationKey.js';
import { hindcastInitDoys } from '../../domain/SeasonCalendar.js';
import { RESIDUAL_MODES, type ResidualMode } from '../../layout/RunLayout.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { calendarOf, numberAt, stringAt } from './FrameAccess.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

const ADM_LEVELS = ['ADM0', 'ADM1', 'ADM2'];
// Levels are doubles (0.8, 0.95); one computed as 1 − 0.2 is still the level 0.8.
const LEVEL_TOLERANCE = 1e-9;

const isResidualMode = (mode: unknown): mode is ResidualMode => (RESIDUAL_MODES as readonly unknown[]).includes(mode);

/**
 * Conformal sidecars (`conformal/<mode>.parquet`): `residual_mode` the file's mode, `method` one of the methods,
 * `adm_level` ADM0-2, `scope` the mode's scope, `key` as the mode prescribes (pipeline.md → POSTPROCESS, Keys:
 * a grid season day, a test year or `production`, or `all`), `level` one of the delivery levels, half-widths
 * finite and ≥ 0 or +Infinity, residual counts ≥ 0.
 */
export function checkConformal(frame: Frame, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const calendar = calendarOf(ctx.config);
  const grid = calendar ? new Set(hindcastInitDoys(calendar)) : undefined;
  const folds = ctx.config
    ? new Set([...ctx.config.experiment_protocol.test_years.map(String), 'production'])
    : undefined;
  for (let i = 0; i < frame.numRows; i++) {
    const row = `row ${i}`;
    const mode = stringAt(frame, 'residual_mode', i);
    if (ctx.mode !== undefined ? mode !== ctx.mode : !isResidualMode(mode)) {
      out.add(
        'mode',
        `${row} column "residual_mode"`,
        ctx.mode !== undefined ? `${show(ctx.mode)} (the file name's mode)` : `one of ${RESIDUAL_MODES.join(', ')}`,
        show(mode),
      );
    }
    const method = stringAt(frame, 'method', i);
    if (!(CONFORMAL_METHODS as readonly unknown[]).includes(method))
      out.add('method', `${row} column "method"`, `one of ${CONFORMAL_METHODS.join(', ')}`, show(method));
    const adm = stringAt(frame, 'adm_level', i);
    if (!ADM_LEVELS.includes(adm as string))
      out.add('adm', `${row} column "adm_level"`, `one of ${ADM_LEVELS.join(', ')}`, show(adm));

    const fileMode = ctx.mode ?? mode;
    const scope = stringAt(frame, 'scope', i);
    const key = stringAt(frame, 'key', i) as string;
    if (isResidualMode(fileMode)) {
      const expectedScope = calibrationScope(fileMode);
      if (scope !== expectedScope)
        out.add('scope', `${row} column "scope"`, `${show(expectedScope)} (the scope of ${fileMode})`, show(scope));
      else if (expectedScope === 'pooled' && key !== 'all')
        out.add('key', `${row} column "key"`, `"all" (${fileMode} pools every residual)`, show(key));
      else if (expectedScope === 'year' && !(folds ? folds.has(key) : /^(\d{4}|production)$/.test(key))) {
        out.add(
          'key',
          `${row} column "key"`,
          `a test year${folds ? ` (${[...folds].join(', ')})` : ''} or "production"`,
          show(key),
        );
      } else if (
        expectedScope === 'init_doy' &&
        !(/^[1-9]\d*$/.test(key) && (grid ? grid.has(Number(key)) : Number(key) <= 366))
      ) {
        out.add(
          'key',
          `${row} column "key"`,
          `a grid season day-of-year as an integer string${grid ? ` (${[...grid].slice(0, 3).join(', ')}, …, ${[...grid].at(-1)})` : ' (e.g. "183")'}`,
          show(key),
        );
      }
    } else if (!['init_doy', 'year', 'pooled'].includes(scope as string)) {
      out.add('scope', `${row} column "scope"`, 'one of init_doy, year, pooled', show(scope));
    }

    const level = numberAt(frame, 'level', i) as number;
    if (!CI_LEVELS.some((l) => Math.abs(l - level) <= LEVEL_TOLERANCE))
      out.add('level', `${row} column "level"`, `one of ${CI_LEVELS.join(', ')}`, show(level));
    const halfWidth = numberAt(frame, 'half_width_kg_ha', i) as number;
    if (!(halfWidth >= 0))
      out.add(
        'half_width',
        `${row} column "half_width_kg_ha"`,
        'a finite number >= 0, or +Infinity when the sample is too small',
        show(halfWidth),
      );
    const n = numberAt(frame, 'n_residuals', i) as number;
    if (!(n >= 0)) out.add('n', `${row} column "n_residuals"`, 'a count >= 0', show(n));
  }
  return out.violations;
}
