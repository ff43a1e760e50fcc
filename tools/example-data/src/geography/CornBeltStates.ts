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

export const CORN_BELT_STATES: readonly CornBeltState[] = [
  { name: 'iowa', fips: '19', latRange: [40.6, 43.5], lonRange: [-96.4, -90.3], precipFactor: 1.0, yieldOffsetKgHa: 350, slopeOffsetKgHaYr: 8, soilAwcMm: 215 },
  { name: 'illinois', fips: '17', latRange: [37.9, 42.4], lonRange: [-91.2, -87.6], precipFactor: 1.08, yieldOffsetKgHa: 300, slopeOffsetKgHaYr: 5, soilAwcMm: 205 },
  { name: 'indiana', fips: '18', latRange: [38.0, 41.7], lonRange: [-87.9, -84.9], precipFactor: 1.15, yieldOffsetKgHa: 0, slopeOffsetKgHaYr: 0, soilAwcMm: 190 },
  { name: 'nebraska', fips: '31', latRange: [40.1, 42.9], lonRange: [-100.5, -95.5], precipFactor: 0.78, yieldOffsetKgHa: 100, slopeOffsetKgHaYr: 4, soilAwcMm: 180 },
  { name: 'minnesota', fips: '27', latRange: [43.6, 46.2], lonRange: [-96.4, -91.8], precipFactor: 0.92, yieldOffsetKgHa: -50, slopeOffsetKgHaYr: 6, soilAwcMm: 200 },
  { name: 'ohio', fips: '39', latRange: [39.0, 41.6], lonRange: [-84.7, -81.0], precipFactor: 1.12, yieldOffsetKgHa: -250, slopeOffsetKgHaYr: -6, soilAwcMm: 175 },
  { name: 'south dakota', fips: '46', latRange: [42.6, 45.5], lonRange: [-99.5, -96.5], precipFactor: 0.68, yieldOffsetKgHa: -900, slopeOffsetKgHaYr: 10, soilAwcMm: 165 },
  { name: 'wisconsin', fips: '55', latRange: [42.6, 45.0], lonRange: [-92.5, -88.0], precipFactor: 0.95, yieldOffsetKgHa: -400, slopeOffsetKgHaYr: -2, soilAwcMm: 185 },
  { name: 'missouri', fips: '29', latRange: [36.8, 40.5], lonRange: [-95.5, -90.0], precipFactor: 1.18, yieldOffsetKgHa: -800, slopeOffsetKgHaYr: -8, soilAwcMm: 160 },
  { name: 'kansas', fips: '20', latRange: [37.2, 39.9], lonRange: [-101.5, -94.8], precipFactor: 0.7, yieldOffsetKgHa: -1300, slopeOffsetKgHaYr: -10, soilAwcMm: 150 },
];

/**
 * Plausible county names (common US county names, a few with the punctuation real ones have: `O'Brien`,
 * `St. Clair`, `De Kalb`). Each state draws its counties from this list, so names repeat across states as
 * they do in the real corn belt (every state has a Washington or a Clay county).
 */
export const COUNTY_NAMES: readonly string[] = [
  'Adair', 'Adams', 'Allen', 'Audubon', 'Benton', 'Black Hawk', 'Boone', 'Bremer', 'Brown', 'Buchanan',
  'Buena Vista', 'Butler', 'Calhoun', 'Carroll', 'Cass', 'Cedar', 'Cerro Gordo', 'Cherokee', 'Chickasaw', 'Clark',
  'Clay', 'Clayton', 'Clinton', 'Crawford', 'Dallas', 'Davis', 'De Kalb', 'Decatur', 'Delaware', 'Des Moines',
  'Dickinson', 'Douglas', 'Dubuque', 'Emmet', 'Fayette', 'Floyd', 'Franklin', 'Fremont', 'Fulton', 'Gage',
  'Grant', 'Greene', 'Grundy', 'Guthrie', 'Hamilton', 'Hancock', 'Hardin', 'Harrison', 'Henry', 'Howard',
  'Humboldt', 'Ida', 'Iroquois', 'Jackson', 'Jasper', 'Jefferson', 'Johnson', 'Jones', 'Kane', 'Keokuk',
  'Knox', 'Kossuth', 'La Salle', 'Lac qui Parle', 'Lee', 'Linn', 'Logan', 'Louisa', 'Lucas', 'Lyon',
  'Macon', 'Madison', 'Mahaska', 'Marion', 'Marshall', 'McLean', 'Mercer', 'Mills', 'Mitchell', 'Monona',
  'Monroe', 'Montgomery', 'Morgan', "O'Brien", 'Osceola', 'Page', 'Palo Alto', 'Perry', 'Pike', 'Plymouth',
  'Pocahontas', 'Polk', 'Pottawattamie', 'Poweshiek', 'Putnam', 'Randolph', 'Richland', 'Ringgold', 'Sac', 'Scott',
  'Shelby', 'Sioux', 'St. Clair', 'Story', 'Tama', 'Taylor', 'Union', 'Van Buren', 'Wapello', 'Warren',
  'Washington', 'Wayne', 'Webster', 'Winnebago', 'Winneshiek', 'Woodbury', 'Worth', 'Wright',
];
