import {
  type GeoIdentifier,
  geoIdentifier,
  US_STATE_BY_ALPHA,
  US_STATE_BY_FIPS,
} from '@commodity-hindcast/rundir-contract/domain';
import type { CsvInput } from '../csv/CsvInput.js';
import { ImportError } from '../ImportError.js';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';

const FIPS = /^\d{5}$/;

/** County FIPS code → the name its geo identifier should use instead of the source's (see UsCounties). */
export type CountyNameOverrides = Readonly<Record<string, string>>;

interface County {
  fips: string;
  state: string;
  name: string;
  /** `file:line` where the county was first seen, for messages. */
  at: string;
}

/**
 * Reads a 5-digit county FIPS code (state + county) from a cell and checks that its state is one of the 50
 * states or DC; when `stateAlphaColumn` is given, the row's USPS code must name the same state.
 */
export function readCountyFips(input: CsvInput, row: number, column: string, stateAlphaColumn?: string): string {
  const fips = input.requiredText(row, column, 'a 5-digit county FIPS code');
  if (!FIPS.test(fips))
    input.fail(
      row,
      column,
      'a 5-digit county FIPS code (state + county, e.g. 19169)',
      JSON.stringify(fips),
      'keep the leading zeros (01001, not 1001)',
    );
  const state = US_STATE_BY_FIPS[fips.slice(0, 2)];
  if (state === undefined) {
    input.fail(
      row,
      column,
      'a FIPS code of one of the 50 states or DC',
      JSON.stringify(fips),
      `state code ${fips.slice(0, 2)} is not one of them; remove the row`,
    );
  }
  if (stateAlphaColumn !== undefined && input.has(stateAlphaColumn)) {
    const alpha = input.text(row, stateAlphaColumn);
    if (US_STATE_BY_ALPHA[alpha] !== state) {
      input.fail(
        row,
        stateAlphaColumn,
        `the USPS code of ${state} (FIPS ${fips} is in ${state})`,
        JSON.stringify(alpha),
        'fix the state code or the FIPS code',
      );
    }
  }
  return fips;
}

/**
 * The US counties of an import and their geo identifiers, `ADM0:USA/ADM1:<state>/ADM2:<county>`: the state from
 * the FIPS code, the county name as the source writes it (NASS: `ST LOUIS`, `O BRIEN`), normalised. Every US
 * importer builds identifiers here, so the same county gets the same identifier in every table and they join.
 *
 * Names are not unique within a state: Virginia, Maryland and Missouri have independent cities named like a
 * county (Richmond city 51760 and Richmond County 51159, Baltimore city 24510 and Baltimore County 24005). Two
 * FIPS codes that would share an identifier are an error naming both, never a silent merge; the caller resolves
 * it with `countyNameOverrides` (`{"51760": "richmond city"}`), which every importer accepts, so the same
 * overrides give the same identifiers everywhere.
 */
export class UsCounties {
  private readonly counties = new Map<string, County>();
  private readonly overrides: Map<string, string>;
  private readonly usedOverrides = new Set<string>();

  constructor(
    private readonly where: string,
    overrides: CountyNameOverrides = {},
  ) {
    this.overrides = new Map();
    for (const [fips, name] of Object.entries(overrides)) {
      if (!FIPS.test(fips) || US_STATE_BY_FIPS[fips.slice(0, 2)] === undefined) {
        throw new ImportError(
          `countyNameOverrides: key ${JSON.stringify(fips)} is not a 5-digit county FIPS code of a state or DC; use e.g. {"51760": "richmond city"}`,
        );
      }
      if (typeof name !== 'string' || name.trim() === '') {
        throw new ImportError(`countyNameOverrides["${fips}"]: expected a county name, found ${JSON.stringify(name)}`);
      }
      this.overrides.set(fips, name);
    }
  }

  /** Registers the county of a row; a FIPS code seen before must come with the same name. */
  add(fips: string, sourceName: string, input: CsvInput, row: number, nameColumn: string): void {
    const seen = this.counties.get(fips);
    if (seen) {
      if (seen.name !== sourceName) {
        input.fail(
          row,
          nameColumn,
          `"${seen.name}" as on ${seen.at} (the same FIPS ${fips})`,
          JSON.stringify(sourceName),
          'give one FIPS code one name throughout the file',
        );
      }
      return;
    }
    if (sourceName === '') input.fail(row, nameColumn, 'a county name', 'an empty cell', 'fill in the county name');
    this.counties.set(fips, {
      fips,
      state: US_STATE_BY_FIPS[fips.slice(0, 2)] as string,
      name: sourceName,
      at: input.at(row),
    });
  }

  get size(): number {
    return this.counties.size;
  }

  /**
   * FIPS → geo identifier for every registered county. Throws when a name does not normalise, or when two FIPS
   * codes would share an identifier (naming both, where they were seen, and the override that resolves it).
   */
  resolve(): Map<string, GeoIdentifier> {
    const geos = new Map<string, GeoIdentifier>();
    const byGeo = new Map<GeoIdentifier, County>();
    for (const county of this.counties.values()) {
      const override = this.overrides.get(county.fips);
      if (override !== undefined) this.usedOverrides.add(county.fips);
      const name = override ?? county.name;
      let geo: GeoIdentifier;
      try {
        geo = geoIdentifier({ country: 'USA', adm1: county.state, adm2: name });
      } catch (error) {
        const why = errorMessage(error);
        throw new ImportError(
          `${county.at}: county name ${JSON.stringify(name)} (FIPS ${county.fips}) cannot be a geo identifier: ${why}; ` +
            `give it a usable name with countyNameOverrides {"${county.fips}": "…"}`,
          { cause: error },
        );
      }
      const other = byGeo.get(geo);
      if (other) {
        const [a, b] = other.fips < county.fips ? [other, county] : [county, other];
        throw new ImportError(
          `${this.where}: FIPS ${a.fips} ("${this.overrides.get(a.fips) ?? a.name}", ${a.at}) and FIPS ${b.fips} ("${this.overrides.get(b.fips) ?? b.name}", ${b.at}) ` +
            `would share the geo identifier ${geo}; give one of them a distinct name with countyNameOverrides, ` +
            `e.g. {"${b.fips}": "${this.suggestName(b)}"}, and pass the same overrides to every US importer`,
        );
      }
      byGeo.set(geo, county);
      geos.set(county.fips, geo);
    }
    return geos;
  }

  /** Overrides whose FIPS code never appeared (likely a typo), for the report's notes; call after resolve(). */
  unusedOverrides(): string[] {
    return [...this.overrides.keys()].filter((fips) => !this.usedOverrides.has(fips));
  }

  /** Independent cities have county codes from 500 up (51760, 24510, 29510): suggest "<name> city" for them. */
  private suggestName(county: County): string {
    const name = county.name.toLowerCase().replace(/\s+/g, ' ').trim();
    return Number(county.fips.slice(2)) >= 500 ? `${name} city` : `${name} county`;
  }
}
