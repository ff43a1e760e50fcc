/**
 * The states the example can draw from, in the order they are used (`states: 4` takes the first four).
 * Names and FIPS codes are real; boxes are the corn-growing part of each state; climate and yield offsets
 * are rough, plausible values so states differ the way they do in the corn belt (wetter east, drier west,
 * Iowa and Illinois highest yielding).
 */
export interface CornBeltState {
  /** ADM1 name in normal form. */
  name: string;
  /** Two-digit state FIPS code (real). */
  fips: string;
  latRange: readonly [number, number];
  lonRange: readonly [number, number];
  /** Multiplies wet-day amounts (1 = Iowa). */
  precipFactor: number;
  /** Added to every county's yield intercept, kg/ha. */
  yieldOffsetKgHa: number;
  /** Added to the national yield slope, kg/ha per year. */
  slopeOffsetKgHaYr: number;
  /** Mean root-zone available water capacity of the state's soils, mm. */
  soilAwcMm: number;
}

// name, fips, latRange, lonRange, precipFactor, yieldOffsetKgHa, slopeOffsetKgHaYr, soilAwcMm (see CornBeltState).
const STATE_TABLE: readonly (readonly [
  string,
  string,
  readonly [number, number],
  readonly [number, number],
  number,
  number,
  number,
  number,
])[] = [
  ['iowa', '19', [40.6, 43.5], [-96.4, -90.3], 1.0, 350, 8, 215],
  ['illinois', '17', [37.9, 42.4], [-91.2, -87.6], 1.08, 300, 5, 205],
  ['indiana', '18', [38.0, 41.7], [-87.9, -84.9], 1.15, 0, 0, 190],
  ['nebraska', '31', [40.1, 42.9], [-100.5, -95.5], 0.78, 100, 4, 180],
  ['minnesota', '27', [43.6, 46.2], [-96.4, -91.8], 0.92, -50, 6, 200],
  ['ohio', '39', [39.0, 41.6], [-84.7, -81.0], 1.12, -250, -6, 175],
  ['south dakota', '46', [42.6, 45.5], [-99.5, -96.5], 0.68, -900, 10, 165],
  ['wisconsin', '55', [42.6, 45.0], [-92.5, -88.0], 0.95, -400, -2, 185],
  ['missouri', '29', [36.8, 40.5], [-95.5, -90.0], 1.18, -800, -8, 160],
  ['kansas', '20', [37.2, 39.9], [-101.5, -94.8], 0.7, -1300, -10, 150],
];

export const CORN_BELT_STATES: readonly CornBeltState[] = STATE_TABLE.map(
  ([name, fips, latRange, lonRange, precipFactor, yieldOffsetKgHa, slopeOffsetKgHaYr, soilAwcMm]) => ({
    name,
    fips,
    latRange,
    lonRange,
    precipFactor,
    yieldOffsetKgHa,
    slopeOffsetKgHaYr,
    soilAwcMm,
  }),
);

/**
 * Plausible county names (common US county names, a few with the punctuation real ones have: `O'Brien`,
 * `St. Clair`, `De Kalb`). Each state draws its counties from this list, so names repeat across states as
 * they do in the real corn belt (every state has a Washington or a Clay county).
 */
export const COUNTY_NAMES: readonly string[] = [
  'Adair',
  'Adams',
  'Allen',
  'Audubon',
  'Benton',
  'Black Hawk',
  'Boone',
  'Bremer',
  'Brown',
  'Buchanan',
  'Buena Vista',
  'Butler',
  'Calhoun',
  'Carroll',
  'Cass',
  'Cedar',
  'Cerro Gordo',
  'Cherokee',
  'Chickasaw',
  'Clark',
  'Clay',
  'Clayton',
  'Clinton',
  'Crawford',
  'Dallas',
  'Davis',
  'De Kalb',
  'Decatur',
  'Delaware',
  'Des Moines',
  'Dickinson',
  'Douglas',
  'Dubuque',
  'Emmet',
  'Fayette',
  'Floyd',
  'Franklin',
  'Fremont',
  'Fulton',
  'Gage',
  'Grant',
  'Greene',
  'Grundy',
  'Guthrie',
  'Hamilton',
  'Hancock',
  'Hardin',
  'Harrison',
  'Henry',
  'Howard',
  'Humboldt',
  'Ida',
  'Iroquois',
  'Jackson',
  'Jasper',
  'Jefferson',
  'Johnson',
  'Jones',
  'Kane',
  'Keokuk',
  'Knox',
  'Kossuth',
  'La Salle',
  'Lac qui Parle',
  'Lee',
  'Linn',
  'Logan',
  'Louisa',
  'Lucas',
  'Lyon',
  'Macon',
  'Madison',
  'Mahaska',
  'Marion',
  'Marshall',
  'McLean',
  'Mercer',
  'Mills',
  'Mitchell',
  'Monona',
  'Monroe',
  'Montgomery',
  'Morgan',
  "O'Brien",
  'Osceola',
  'Page',
  'Palo Alto',
  'Perry',
  'Pike',
  'Plymouth',
  'Pocahontas',
  'Polk',
  'Pottawattamie',
  'Poweshiek',
  'Putnam',
  'Randolph',
  'Richland',
  'Ringgold',
  'Sac',
  'Scott',
  'Shelby',
  'Sioux',
  'St. Clair',
  'Story',
  'Tama',
  'Taylor',
  'Union',
  'Van Buren',
  'Wapello',
  'Warren',
  'Washington',
  'Wayne',
  'Webster',
  'Winnebago',
  'Winneshiek',
  'Woodbury',
  'Worth',
  'Wright',
];
