import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import {
  compareGeo,
  geoIdentifier,
  isGeoIdentifier,
  normalizeAdminName,
  normalizeCountryCode,
  parentGeo,
  parseGeoIdentifier,
  US_STATE_BY_ALPHA,
  US_STATE_BY_FIPS,
} from './GeoIdentifier.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED_DATA = process.env.SHARED_DATA_DIR ?? path.resolve(REPO_ROOT, '../shared/data');
const NASS_CSV = path.join(SHARED_DATA, 'nass/corn_county.csv');
const ES_YIELD_CSV = path.join(SHARED_DATA, 'cybench/es_maize/yield.csv');

describe('normalizeAdminName', () => {
  it.each([
    ['St. Louis', 'st. louis'],
    ["O'Brien", "o'brien"],
    ['O\u2019Brien', "o'brien"],
    ['DE KALB', 'de kalb'],
    ['  De   Kalb\t', 'de kalb'],
    ['Añasco', 'anasco'],
    ['Ñuble', 'nuble'],
    ['A\u0303nasco', 'anasco'], // already decomposed input
    ['São Paulo', 'sao paulo'],
    ['Mayagüez', 'mayaguez'],
    ['Łódź', 'lodz'],
    ['MIAMI-DADE', 'miami-dade'],
    ['ES412', 'es412'],
    ['İstanbul', 'istanbul'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeAdminName(raw)).toBe(expected);
  });

  it.each(['', '   ', 'Iowa/Story', 'ADM1:iowa', 'AL_CALHOUN', 'Prince George (County)', '-dash first', '北京'])(
    'refuses %j with the name and the allowed pattern',
    (raw) => {
      expect(() => normalizeAdminName(raw)).toThrow(ContractError);
      expect(() => normalizeAdminName(raw)).toThrow(`admin name ${JSON.stringify(raw)} normalises to`);
      expect(() => normalizeAdminName(raw)).toThrow("which does not match [a-z0-9][a-z0-9 .'-]*");
    },
  );
});

describe('normalizeCountryCode', () => {
  it('upper-cases ISO-3 codes and refuses anything else', () => {
    expect(normalizeCountryCode(' usa ')).toBe('USA');
    expect(() => normalizeCountryCode('US')).toThrow('country code "US": expected an ISO 3166-1 alpha-3 code');
    expect(() => normalizeCountryCode('U5A')).toThrow(ContractError);
  });
});

describe('geoIdentifier', () => {
  it('builds the three levels from raw names', () => {
    expect(geoIdentifier({ country: 'usa' })).toBe('ADM0:USA');
    expect(geoIdentifier({ country: 'USA', adm1: 'Iowa' })).toBe('ADM0:USA/ADM1:iowa');
    expect(geoIdentifier({ country: 'USA', adm1: 'IOWA', adm2: 'STORY' })).toBe('ADM0:USA/ADM1:iowa/ADM2:story');
    expect(geoIdentifier({ country: 'ESP', adm1: 'ES41', adm2: 'ES412' })).toBe('ADM0:ESP/ADM1:es41/ADM2:es412');
    expect(geoIdentifier({ country: 'PRI', adm1: 'Puerto Rico', adm2: 'Añasco' })).toBe(
      'ADM0:PRI/ADM1:puerto rico/ADM2:anasco',
    );
  });

  it('refuses an ADM2 without its ADM1', () => {
    expect(() => geoIdentifier({ country: 'USA', adm2: 'story' })).toThrow(
      'geo identifier for USA: adm2 "story" given without adm1',
    );
  });
});

describe('parseGeoIdentifier / isGeoIdentifier', () => {
  it('parses each level', () => {
    expect(parseGeoIdentifier('ADM0:USA')).toEqual({ country: 'USA', level: 0 });
    expect(parseGeoIdentifier('ADM0:USA/ADM1:iowa')).toEqual({ country: 'USA', adm1: 'iowa', level: 1 });
    expect(parseGeoIdentifier("ADM0:USA/ADM1:iowa/ADM2:o'brien")).toEqual({
      country: 'USA',
      adm1: 'iowa',
      adm2: "o'brien",
      level: 2,
    });
  });

  it.each([
    ['', 'is empty'],
    ['USA', 'segment 1 "USA" does not start with ADM0:'],
    ['ADM0:usa', 'country "usa" is not three upper-case letters'],
    ['ADM0:USA/ADM1:Iowa', 'admin name "Iowa" is not in normal form'],
    ['ADM0:USA/ADM1:de  kalb', 'admin name "de  kalb" is not in normal form'],
    ['ADM0:USA/ADM1:iowa ', 'admin name "iowa " is not in normal form'],
    ['ADM0:PRI/ADM1:puerto rico/ADM2:añasco', 'admin name "añasco" is not in normal form'],
    ['ADM0:USA/ADM2:story', 'segment 2 "ADM2:story" does not start with ADM1:'],
    ['ADM0:USA/ADM1:iowa/ADM2:story/ADM3:ames', 'has 4 levels, at most 3'],
    ['ADM0:USA/ADM1:', 'admin name "" is not in normal form'],
    ['ADM0:USA/', 'segment 2 "" does not start with ADM1:'],
  ])('refuses %j (%s)', (id, problem) => {
    expect(() => parseGeoIdentifier(id)).toThrow(ContractError);
    expect(() => parseGeoIdentifier(id)).toThrow(`geo identifier ${JSON.stringify(id)}: ${problem}`);
    expect(isGeoIdentifier(id)).toBe(false);
  });

  it('accepts exactly what geoIdentifier builds', () => {
    const id = geoIdentifier({ country: 'usa', adm1: 'Missouri', adm2: 'Ste. Genevieve' });
    expect(isGeoIdentifier(id)).toBe(true);
    expect(geoIdentifier(parseGeoIdentifier(id))).toBe(id);
    expect(isGeoIdentifier(42)).toBe(false);
  });
});

describe('parentGeo', () => {
  const story = 'ADM0:USA/ADM1:iowa/ADM2:story';
  it('truncates to the requested level', () => {
    expect(parentGeo(story, 0)).toBe('ADM0:USA');
    expect(parentGeo(story, 1)).toBe('ADM0:USA/ADM1:iowa');
    expect(parentGeo(story, 2)).toBe(story);
  });

  it('refuses a level below the identifier and an invalid identifier', () => {
    expect(() => parentGeo('ADM0:USA', 1)).toThrow('the identifier is ADM0, so it has no ADM1 ancestor');
    expect(() => parentGeo('ADM0:USA/ADM1:Iowa', 0)).toThrow('is not in normal form');
  });
});

describe('compareGeo', () => {
  it('sorts by code point, not by locale', () => {
    const ids = [
      'ADM0:USA/ADM1:iowa/ADM2:story',
      "ADM0:USA/ADM1:iowa/ADM2:o'brien",
      'ADM0:USA/ADM1:iowa/ADM2:de kalb',
      'ADM0:USA/ADM1:iowa/ADM2:de-kalb',
      'ADM0:USA/ADM1:iowa',
      'ADM0:BRA',
      'ADM0:USA',
    ];
    // Code points: ' ' 0x20 < "'" 0x27 < '-' 0x2d < '.' 0x2e < '/' 0x2f < digits < letters.
    expect([...ids].sort(compareGeo)).toEqual([
      'ADM0:BRA',
      'ADM0:USA',
      'ADM0:USA/ADM1:iowa',
      'ADM0:USA/ADM1:iowa/ADM2:de kalb',
      'ADM0:USA/ADM1:iowa/ADM2:de-kalb',
      "ADM0:USA/ADM1:iowa/ADM2:o'brien",
      'ADM0:USA/ADM1:iowa/ADM2:story',
    ]);
    // Punctuation orders by its code point, not by a locale's collation rules.
    expect(compareGeo('a b', 'a-b')).toBeLessThan(0);
    expect(compareGeo('st. louis', 'st louis')).toBeGreaterThan(0);
    expect(compareGeo('x', 'x')).toBe(0);
  });

  it('orders astral characters above the BMP, unlike UTF-16 code units', () => {
    // U+1F600 is stored as surrogates 0xD83D 0xDE00, which sort below U+FF61 by code unit.
    expect('\u{1F600}' < '\uFF61').toBe(true);
    expect(compareGeo('\u{1F600}', '\uFF61')).toBe(1);
    expect(compareGeo('a\u{1F600}b', 'a\u{1F600}c')).toBe(-1);
  });
});

describe('US state lookups', () => {
  it('cover the 50 states and DC with names in normal form, from both codes', () => {
    expect(Object.keys(US_STATE_BY_ALPHA)).toHaveLength(51);
    expect(Object.keys(US_STATE_BY_FIPS)).toHaveLength(51);
    expect(new Set(Object.values(US_STATE_BY_ALPHA))).toEqual(new Set(Object.values(US_STATE_BY_FIPS)));
    for (const name of Object.values(US_STATE_BY_ALPHA)) expect(normalizeAdminName(name)).toBe(name);
    expect(US_STATE_BY_FIPS['19']).toBe('iowa');
    expect(US_STATE_BY_ALPHA.IA).toBe('iowa');
    expect(US_STATE_BY_ALPHA.DC).toBe('district of columbia');
    expect(US_STATE_BY_FIPS['11']).toBe('district of columbia');
    expect(US_STATE_BY_FIPS['03']).toBeUndefined(); // FIPS 03, 07, 14, 43, 52 are unassigned
    expect(US_STATE_BY_ALPHA.constructor).toBeUndefined();
    expect(Object.isFrozen(US_STATE_BY_ALPHA)).toBe(true);
  });

  const nassPresent = existsSync(NASS_CSV);
  it.skipIf(!nassPresent)(
    `agree with every (state_fips, state_alpha) pair of real NASS county data and give one identifier per county${
      nassPresent ? '' : ` (skipped: ${NASS_CSV} is absent; set SHARED_DATA_DIR)`
    }`,
    () => {
      const [header, ...rows] = readFileSync(NASS_CSV, 'utf8').trim().split('\n');
      const columns = header!.split(',');
      const at = (name: string) => columns.indexOf(name);
      const [geoidAt, fipsAt, alphaAt, countyAt] = [
        at('geoid'),
        at('state_fips'),
        at('state_alpha'),
        at('county_name'),
      ];
      const idByGeoid = new Map<string, string>();
      const disagreements = new Set<string>();
      for (const row of rows) {
        const cells = row.split(',');
        const byFips = US_STATE_BY_FIPS[cells[fipsAt]!];
        if (byFips === undefined || US_STATE_BY_ALPHA[cells[alphaAt]!] !== byFips) {
          disagreements.add(`${cells[fipsAt]}/${cells[alphaAt]}`);
          continue;
        }
        idByGeoid.set(cells[geoidAt]!, geoIdentifier({ country: 'USA', adm1: byFips, adm2: cells[countyAt]! }));
      }
      expect([...disagreements]).toEqual([]);
      expect(rows.length).toBeGreaterThan(190_000);
      expect(idByGeoid.size).toBeGreaterThan(2800);
      // No two FIPS counties collapse onto one identifier.
      expect(new Set(idByGeoid.values()).size).toBe(idByGeoid.size);
      expect(idByGeoid.get('19169')).toBe('ADM0:USA/ADM1:iowa/ADM2:story');
      expect(idByGeoid.get('27137')).toBe('ADM0:USA/ADM1:minnesota/ADM2:st. louis');
      expect(idByGeoid.get('29193')).toBe('ADM0:USA/ADM1:missouri/ADM2:ste. genevieve');
      expect(idByGeoid.get('12086')).toBe('ADM0:USA/ADM1:florida/ADM2:miami-dade');
    },
  );

  const esPresent = existsSync(ES_YIELD_CSV);
  it.skipIf(!esPresent)(
    `build code-only identifiers for the 53 Spanish NUTS3 provinces of CY-Bench${
      esPresent ? '' : ` (skipped: ${ES_YIELD_CSV} is absent; set SHARED_DATA_DIR)`
    }`,
    () => {
      const [header, ...rows] = readFileSync(ES_YIELD_CSV, 'utf8').trim().split('\n');
      const admAt = header!.split(',').indexOf('adm_id');
      const ids = new Set(
        rows.map((row) => {
          const nuts3 = row.split(',')[admAt]!;
          return geoIdentifier({ country: 'ESP', adm1: nuts3.slice(0, 4), adm2: nuts3 });
        }),
      );
      expect(ids.size).toBe(53);
      expect(ids.has('ADM0:ESP/ADM1:es41/ADM2:es412')).toBe(true);
      for (const id of ids) expect(isGeoIdentifier(id)).toBe(true);
    },
  );
});
