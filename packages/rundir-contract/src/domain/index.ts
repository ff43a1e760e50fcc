export { calibrationKey, calibrationScope } from './CalibrationKey.js';
export type { CalibrationKeyInput, CalibrationScope } from './CalibrationKey.js';
export {
  addDays,
  civilToEpochDay,
  dayOfYear,
  daysInMonth,
  epochDayToCivil,
  epochDayToIso,
  isLeapYear,
  isoToEpochDay,
} from './EpochDay.js';
export type { CivilDate, EpochDay } from './EpochDay.js';
export {
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
export {
  describeRange,
  isPlausibleDay,
  isPlausibleYear,
  isWithin,
  PLAUSIBLE_FIRST_DAY,
  PLAUSIBLE_LAST_DAY,
  PLAUSIBLE_WEATHER,
  PLAUSIBLE_YEARS,
  PLAUSIBLE_YIELD_KG_HA,
} from './Plausibility.js';
export type { PlausibleRange } from './Plausibility.js';
export type { AdmLevel, GeoIdentifier, GeoParts, ParsedGeoIdentifier } from './GeoIdentifier.js';
export { assertFeatureOrder, featureFrameFromTable, firstMissing } from './FeatureFrame.js';
export type { FeatureFrame } from './FeatureFrame.js';
export { applyFillValues, fillValuesFromTable } from './FillValues.js';
export type { FillValues } from './FillValues.js';
export { compileModel, predict } from './ModelPredict.js';
export type { Predictor } from './ModelPredict.js';
export {
  calendarFromConfig,
  dateForSeasonDoy,
  hindcastInitDoys,
  initDates,
  observationCutoff,
  seasonDoy,
  seasonStart,
  seasonYearOf,
  validateSeasonCalendar,
} from './SeasonCalendar.js';
export type { CommodityCalendarConfig, SeasonCalendar } from './SeasonCalendar.js';
export {
  ACRE_HA,
  acresToHa,
  clipToRange,
  deliveryUnitToKgHa,
  deliveryVariable,
  kgHaPerBuAcre,
  kgHaToDeliveryUnit,
  LB_KG,
  tHaToKgHa,
} from './Units.js';
export type { DeliveryUnit } from './Units.js';
export { aggregate, allCountyActuals } from './Aggregate.js';
export type { AggregatedRow, AggregateOptions, AllCountyActual, GeoColumns, YieldRecordColumns } from './Aggregate.js';
export {
  calibratedBands,
  conformalHalfWidths,
  halfWidthFor,
  intervalBounds,
  levelBasisPoints,
  levelPercent,
  minResidualsFor,
  quantileHalfWidth,
  splitConformalHalfWidth,
  splitConformalRank,
} from './Conformal.js';
export type {
  CalibratedBand,
  CalibrationEntry,
  CalibrationLookup,
  HalfWidthMethod,
  IntervalBounds,
} from './Conformal.js';
export { wasdeCountryCode, wasdeCovers, wasdeFinalYield, wasdeForecastAsOf, wasdeToKgHa } from './Wasde.js';
export type { WasdeQuery, WasdeValue, WasdeVintage } from './Wasde.js';
export { evaluateTrend, trendFunction } from './Trend.js';
export type { TrendFunction } from './Trend.js';
