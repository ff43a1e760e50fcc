import { calibrationKey, calibrationScope, type CalibrationScope } from '../domain/CalibrationKey.js';
import type { EpochDay } from '../domain/EpochDay.js';
import type { SeasonCalendar } from '../domain/SeasonCalendar.js';
import { SchemaError } from '../errors/ContractError.js';
import { decodeParquet } from '../io/Parquet.js';
import { artifactById } from '../layout/Artifacts.js';
import { conformalPath, type AdmLevel, type ResidualMode } from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import { conformalSchema } from '../schemas/Tables.js';
import type { RunDirListing } from './RunDirListing.js';
import { commandThatMakes } from './StageCommand.js';

/** One row of `conformal/<residual_mode>.parquet` (rundir-layout.md). */
export interface CalibrationRow {
  residual_mode: string;
  method: string;
  /** `ADM0`, `ADM1` or `ADM2`. */
  adm_level: string;
  /** `init_doy`, `year` or `pooled`. */
  scope: string;
  /** A season day-of-year (`"183"`), a test year, `production`, or `all`. */
  key: string;
  level: number;
  /** +Infinity when the sample is too small for the level. */
  half_width_kg_ha: number;
  n_residuals: number;
}

export interface HalfWidthQuery {
  admLevel: AdmLevel | 'ADM0' | 'ADM1' | 'ADM2';
  scope: CalibrationScope;
  /** A grid season day for init_doy (`"183"`), a test year or `production` for year, `all` for pooled. */
  key: string | number;
  level: number;
  /** Needed only when the sidecar holds more than one method. */
  method?: string;
}

/** A half-width asked for by init date: the mode's scope and key come from `calibrationKey`. */
export interface HalfWidthAtQuery {
  admLevel: HalfWidthQuery['admLevel'];
  level: number;
  method?: string;
  /** The season calendar (`calendarFromConfig(config.commodity)`). */
  calendar: SeasonCalendar;
  /** The init date, ISO or an epoch day; off the grid, the last grid day on or before it is used. */
  initDate: string | EpochDay;
  /** The fold's test year or `production` (hindcast_oos_per_year). */
  foldOrTestYear?: number | string;
  /** The season of the init date, when not the one containing it. */
  seasonYear?: number;
}

// Levels are written as doubles (0.8, 0.95); a query computed as e.g. 1 - 0.2 must still find them.
const LEVEL_TOLERANCE = 1e-9;

/**
 * The calibration sidecar of one residual mode: its rows, and the half-width for an (ADM level, scope, key,
 * level[, method]). An infinite half-width is returned as Infinity (too few residuals for the level), never
 * replaced by a number; a combination the sidecar does not hold is an error naming what is there.
 */
export class CalibrationResult {
  private rowsPromise: Promise<CalibrationRow[]> | undefined;

  constructor(
    readonly mode: ResidualMode,
    private readonly listing: RunDirListing,
  ) {}

  /** `conformal/<mode>.parquet`, relative to the run directory. */
  get path(): string {
    return conformalPath(this.mode);
  }

  get location(): Location {
    return this.listing.location(this.path);
  }

  /** The rows, read once, checked against the manifest that lists the file, and against the conformal schema. */
  read(): Promise<CalibrationRow[]> {
    this.rowsPromise ??= this.load();
    return this.rowsPromise;
  }

  async halfWidth(query: HalfWidthQuery): Promise<number> {
    return findHalfWidth(await this.read(), query, this.location);
  }

  /** The half-width for an init date: scope and key by `calibrationKey`, the one rule every stage shares. */
  async halfWidthAt(query: HalfWidthAtQuery): Promise<number> {
    const { admLevel, level, method, calendar, initDate, foldOrTestYear, seasonYear } = query;
    const key = calibrationKey(this.mode, {
      calendar,
      initDate,
      ...(foldOrTestYear !== undefined ? { foldOrTestYear } : {}),
      ...(seasonYear !== undefined ? { seasonYear } : {}),
    });
    return this.halfWidth({
      admLevel,
      scope: calibrationScope(this.mode),
      key,
      level,
      ...(method !== undefined ? { method } : {}),
    });
  }

  private async load(): Promise<CalibrationRow[]> {
    const command = commandThatMakes(artifactById('conformal'), this.listing.runDir);
    const bytes = await this.listing.readTrusted(this.path, command);
    const frame = decodeParquet(bytes, conformalSchema, this.location);
    // Every conformal column is non-nullable, so the decoder hands over plain values.
    const text = (name: string) => frame.columns[name] as ArrayLike<string>;
    const num = (name: string) => frame.columns[name] as ArrayLike<number>;
    const [modes, methods, adm, scopes, keys] = ['residual_mode', 'method', 'adm_level', 'scope', 'key'].map(text) as [
      ArrayLike<string>,
      ArrayLike<string>,
      ArrayLike<string>,
      ArrayLike<string>,
      ArrayLike<string>,
    ];
    const [levels, halfWidths, counts] = ['level', 'half_width_kg_ha', 'n_residuals'].map(num) as [
      ArrayLike<number>,
      ArrayLike<number>,
      ArrayLike<number>,
    ];
    const rows: CalibrationRow[] = [];
    for (let i = 0; i < frame.numRows; i++) {
      rows.push({
        residual_mode: modes[i] as string,
        method: methods[i] as string,
        adm_level: adm[i] as string,
        scope: scopes[i] as string,
        key: keys[i] as string,
        level: levels[i] as number,
        half_width_kg_ha: halfWidths[i] as number,
        n_residuals: counts[i] as number,
      });
    }
    const stray = rows.find((r) => r.residual_mode !== this.mode);
    if (stray) {
      throw new SchemaError(
        `${this.location}: column "residual_mode" holds ${JSON.stringify(stray.residual_mode)}, expected ${JSON.stringify(this.mode)} in every row (the file name's mode); rerun ${command}`,
      );
    }
    return rows;
  }
}

const distinctSorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The half-width for `query` among `rows`; throws a one-line error naming what is missing and what is there. */
function findHalfWidth(rows: readonly CalibrationRow[], query: HalfWidthQuery, where: string): number {
  const adm = typeof query.admLevel === 'number' ? `ADM${query.admLevel}` : query.admLevel;
  const key = String(query.key);
  const methods = distinctSorted(rows.map((r) => r.method));
  let method = query.method;
  if (method === undefined) {
    if (methods.length !== 1) {
      throw new SchemaError(
        methods.length === 0
          ? `${where}: holds no calibration rows; rerun the postprocess stage`
          : `${where}: holds methods ${methods.join(', ')}; pass { method } to choose one`,
      );
    }
    method = methods[0] as string;
  }
  const describe = `${adm} scope ${query.scope} key ${JSON.stringify(key)} level ${query.level} method ${method}`;
  const sameMethod = rows.filter((r) => r.method === method);
  if (sameMethod.length === 0)
    throw new SchemaError(
      `${where}: no half-width for ${describe}: method ${method} is absent (methods present: ${methods.join(', ')})`,
    );
  const sameGroup = sameMethod.filter((r) => r.adm_level === adm && r.scope === query.scope);
  if (sameGroup.length === 0) {
    const groups = distinctSorted(sameMethod.map((r) => `${r.adm_level}/${r.scope}`));
    throw new SchemaError(
      `${where}: no half-width for ${describe}: no ${adm}/${query.scope} rows (present: ${groups.join(', ')})`,
    );
  }
  const sameKey = sameGroup.filter((r) => r.key === key);
  if (sameKey.length === 0) {
    const keys = distinctSorted(sameGroup.map((r) => r.key));
    const shown = keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, … (${keys.length} keys)` : keys.join(', ');
    throw new SchemaError(
      `${where}: no half-width for ${describe}: key ${JSON.stringify(key)} is absent (keys present for ${adm}/${query.scope}: ${shown})`,
    );
  }
  const hit = sameKey.find((r) => Math.abs(r.level - query.level) <= LEVEL_TOLERANCE);
  if (!hit) {
    const levels = [...new Set(sameKey.map((r) => r.level))].sort((a, b) => a - b);
    throw new SchemaError(
      `${where}: no half-width for ${describe}: level ${query.level} is absent (levels present: ${levels.join(', ')}); add it to delivery.ci_levels and rerun postprocess`,
    );
  }
  // A NaN half-width is a broken file, not "no interval": say so rather than hand NaN to a band.
  if (!(hit.half_width_kg_ha >= 0)) {
    throw new SchemaError(
      `${where}: the half-width for ${describe} is ${hit.half_width_kg_ha}, expected a number >= 0 or +Infinity; rerun the postprocess stage`,
    );
  }
  return hit.half_width_kg_ha;
}
