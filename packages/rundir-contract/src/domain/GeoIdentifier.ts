import { ContractError } from '../errors/ContractError.js';

/**
 * Geo identifiers name a country, a first-level or a second-level admin unit:
 * `ADM0:USA`, `ADM0:USA/ADM1:iowa`, `ADM0:USA/ADM1:iowa/ADM2:story`. Every stage keys rows on them, so
 * they are built, normalised and verified in this one place.
 */
export type GeoIdentifier = string;
export type AdmLevel = 0 | 1 | 2;

export interface GeoParts {
  /** ISO 3166-1 alpha-3, upper case. */
  country: string;
  adm1?: string;
  adm2?: string;
}

export interface ParsedGeoIdentifier extends GeoParts {
  level: AdmLevel;
}

const COUNTRY = /^[A-Z]{3}$/;
const ADMIN_NAME = /^[a-z0-9][a-z0-9 .'-]*$/;
const COMBINING_MARK = /\p{M}/gu;
// Letters that NFD does not decompose into base + mark; folded so names like "Łódź" or "Øresund" normalise.
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const LETTER_FOLD = /[ßæœøłđðþı]/g;
// Typographic apostrophes (’ ‘ ʼ) and the backtick become the ASCII apostrophe of `o'brien`.
const APOSTROPHES = /[\u2018\u2019\u02bc`]/g;

/** Upper-cases and verifies an ISO-3 country code (`usa` → `USA`). */
export function normalizeCountryCode(code: string): string {
  const normalized = String(code).trim().toUpperCase();
  if (!COUNTRY.test(normalized)) {
    throw new ContractError(
      `country code ${JSON.stringify(code)}: expected an ISO 3166-1 alpha-3 code of three letters (e.g. USA, BRA, ESP)`,
    );
  }
  return normalized;
}

/**
 * Normalises an admin name: lower case, diacritics removed (NFD, combining marks stripped), whitespace
 * collapsed; the result must match `[a-z0-9][a-z0-9 .'-]*` (`St. Louis` → `st. louis`, `Añasco` → `anasco`).
 * Code-only units (Spain NUTS3 `ES412`) use the lower-cased code as the name.
 */
export function normalizeAdminName(name: string): string {
  const normalized = String(name)
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARK, '')
    .replace(LETTER_FOLD, (ch) => LETTER_FOLDS[ch] ?? ch)
    .replace(APOSTROPHES, "'")
    .replace(/\s+/gu, ' ')
    .trim();
  if (!ADMIN_NAME.test(normalized)) {
    throw new ContractError(
      `admin name ${JSON.stringify(name)} normalises to ${JSON.stringify(normalized)}, which does not match [a-z0-9][a-z0-9 .'-]*; ` +
        'remove other characters (e.g. "/", ":", "_", "(") in the importer before building the geo identifier',
    );
  }
  return normalized;
}

/** Builds a geo identifier from raw parts, normalising each (`{country:'usa', adm1:'Iowa'}` → `ADM0:USA/ADM1:iowa`). */
export function geoIdentifier(parts: GeoParts): GeoIdentifier {
  const country = normalizeCountryCode(parts.country);
  if (parts.adm1 === undefined) {
    if (parts.adm2 !== undefined) {
      throw new ContractError(
        `geo identifier for ${country}: adm2 ${JSON.stringify(parts.adm2)} given without adm1; an ADM2 unit needs its ADM1 parent`,
      );
    }
    return `ADM0:${country}`;
  }
  const adm1 = `ADM0:${country}/ADM1:${normalizeAdminName(parts.adm1)}`;
  return parts.adm2 === undefined ? adm1 : `${adm1}/ADM2:${normalizeAdminName(parts.adm2)}`;
}

/**
 * Parses a geo identifier that is already in normal form; anything else (upper-case names, double spaces,
 * accents, missing levels) is refused, so two spellings of one place can never both enter a table.
 */
export function parseGeoIdentifier(id: string): ParsedGeoIdentifier {
  const problem = findProblem(id);
  if (typeof problem === 'string') {
    throw new ContractError(
      `geo identifier ${JSON.stringify(id)}: ${problem}; expected ADM0:<ISO3>[/ADM1:<name>[/ADM2:<name>]] ` +
        `with names in normal form (e.g. ADM0:USA/ADM1:iowa/ADM2:story), built with geoIdentifier()`,
    );
  }
  return problem;
}

export function isGeoIdentifier(id: unknown): id is GeoIdentifier {
  return typeof id === 'string' && typeof findProblem(id) !== 'string';
}

/** The ancestor of `id` at `level` (the id itself at its own level): `parentGeo('ADM0:USA/ADM1:iowa/ADM2:story', 1)` → `ADM0:USA/ADM1:iowa`. */
export function parentGeo(id: GeoIdentifier, level: AdmLevel): GeoIdentifier {
  const parsed = parseGeoIdentifier(id);
  if (level !== 0 && level !== 1 && level !== 2) {
    throw new ContractError(`parentGeo(${JSON.stringify(id)}): expected level 0, 1 or 2, got ${String(level)}`);
  }
  if (level > parsed.level) {
    throw new ContractError(
      `parentGeo(${JSON.stringify(id)}, ${level}): the identifier is ADM${parsed.level}, so it has no ADM${level} ancestor`,
    );
  }
  return id
    .split('/')
    .slice(0, level + 1)
    .join('/');
}

/** Orders geo identifiers by Unicode code point (as Parquet and DuckDB sort UTF-8), never by locale. */
export function compareGeo(a: GeoIdentifier, b: GeoIdentifier): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++; // a surrogate pair: both strings share it, skip its second half
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function findProblem(id: string): ParsedGeoIdentifier | string {
  if (typeof id !== 'string' || id === '') return 'is empty or not a string';
  const segments = id.split('/');
  if (segments.length > 3) return `has ${segments.length} levels, at most 3 (ADM0/ADM1/ADM2)`;
  const values: string[] = [];
  for (const [level, segment] of segments.entries()) {
    const prefix = `ADM${level}:`;
    if (!segment.startsWith(prefix))
      return `segment ${level + 1} ${JSON.stringify(segment)} does not start with ${prefix}`;
    values.push(segment.slice(prefix.length));
  }
  const [country, adm1, adm2] = values;
  if (!COUNTRY.test(country!)) return `country ${JSON.stringify(country)} is not three upper-case letters`;
  for (const name of [adm1, adm2]) {
    if (name === undefined) continue;
    if (!ADMIN_NAME.test(name) || name.endsWith(' ') || name.includes('  ')) {
      return `admin name ${JSON.stringify(name)} is not in normal form (lower case, [a-z0-9][a-z0-9 .'-]*, single spaces)`;
    }
  }
  const parsed: ParsedGeoIdentifier = { country: country!, level: (segments.length - 1) as AdmLevel };
  if (adm1 !== undefined) parsed.adm1 = adm1;
  if (adm2 !== undefined) parsed.adm2 = adm2;
  return parsed;
}

// One table so the alpha and FIPS lookups can never disagree: [FIPS, USPS alpha, name in normal form].
const US_STATES: readonly (readonly [string, string, string])[] = [
  ['01', 'AL', 'alabama'],
  ['02', 'AK', 'alaska'],
  ['04', 'AZ', 'arizona'],
  ['05', 'AR', 'arkansas'],
  ['06', 'CA', 'california'],
  ['08', 'CO', 'colorado'],
  ['09', 'CT', 'connecticut'],
  ['10', 'DE', 'delaware'],
  ['11', 'DC', 'district of columbia'],
  ['12', 'FL', 'florida'],
  ['13', 'GA', 'georgia'],
  ['15', 'HI', 'hawaii'],
  ['16', 'ID', 'idaho'],
  ['17', 'IL', 'illinois'],
  ['18', 'IN', 'indiana'],
  ['19', 'IA', 'iowa'],
  ['20', 'KS', 'kansas'],
  ['21', 'KY', 'kentucky'],
  ['22', 'LA', 'louisiana'],
  ['23', 'ME', 'maine'],
  ['24', 'MD', 'maryland'],
  ['25', 'MA', 'massachusetts'],
  ['26', 'MI', 'michigan'],
  ['27', 'MN', 'minnesota'],
  ['28', 'MS', 'mississippi'],
  ['29', 'MO', 'missouri'],
  ['30', 'MT', 'montana'],
  ['31', 'NE', 'nebraska'],
  ['32', 'NV', 'nevada'],
  ['33', 'NH', 'new hampshire'],
  ['34', 'NJ', 'new jersey'],
  ['35', 'NM', 'new mexico'],
  ['36', 'NY', 'new york'],
  ['37', 'NC', 'north carolina'],
  ['38', 'ND', 'north dakota'],
  ['39', 'OH', 'ohio'],
  ['40', 'OK', 'oklahoma'],
  ['41', 'OR', 'oregon'],
  ['42', 'PA', 'pennsylvania'],
  ['44', 'RI', 'rhode island'],
  ['45', 'SC', 'south carolina'],
  ['46', 'SD', 'south dakota'],
  ['47', 'TN', 'tennessee'],
  ['48', 'TX', 'texas'],
  ['49', 'UT', 'utah'],
  ['50', 'VT', 'vermont'],
  ['51', 'VA', 'virginia'],
  ['53', 'WA', 'washington'],
  ['54', 'WV', 'west virginia'],
  ['55', 'WI', 'wisconsin'],
  ['56', 'WY', 'wyoming'],
];

// Null-prototype records, so a lookup of "constructor" or "__proto__" is undefined rather than an Object method.
function lookup(pairs: Iterable<readonly [string, string]>): Readonly<Record<string, string>> {
  const record = Object.create(null) as Record<string, string>;
  for (const [k, v] of pairs) record[k] = v;
  return Object.freeze(record);
}

/** USPS two-letter code → ADM1 name in normal form (`IA` → `iowa`): the 50 states and DC. */
export const US_STATE_BY_ALPHA: Readonly<Record<string, string>> = lookup(
  US_STATES.map(([, alpha, name]) => [alpha, name] as const),
);

/** Two-digit state FIPS code → ADM1 name in normal form (`19` → `iowa`): the 50 states and DC. */
export const US_STATE_BY_FIPS: Readonly<Record<string, string>> = lookup(
  US_STATES.map(([fips, , name]) => [fips, name] as const),
);
