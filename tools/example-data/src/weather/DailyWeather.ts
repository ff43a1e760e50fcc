import { civilToEpochDay, dayOfYear, epochDayToCivil } from '@commodity-hindcast/rundir-contract/domain';
import { droughtSeverityByYear } from '../ExampleOptions.js';
import type { ResolvedExampleOptions } from '../ExampleOptions.js';
import type { ExampleCounty } from '../geography/CountyLayout.js';
import { CORN_BELT_STATES } from '../geography/CornBeltStates.js';
import { normalQuantile } from '../random/normalQuantile.js';
import { Prng } from '../random/Prng.js';

/**
 * Daily indices of every county: one Float32Array per variable, geo-major (`[g * nTime + t]`), the layout of
 * the index store. `time` holds every day from 1 January of the first season year to 31 December of the last.
 */
export interface DailyIndices {
  time: Int32Array;
  tmax: Float32Array;
  tmin: Float32Array;
  tavg: Float32Array;
  prcp: Float32Array;
  ndvi: Float32Array;
}

/**
 * The weather model's constants, named as in the package README (section "Daily indices"). Days are
 * calendar days of the year (`doy`); `J` is the number of days since 1 July of the same year.
 */
export const WEATHER_MODEL = Object.freeze({
  /** tavg climatology: mean, annual amplitude (°C), day of the warmest day, latitude lapse (°C per degree north of 41.5°N), warming per year. */
  tavgMean: 10,
  tavgAmplitude: 15,
  tavgPeakDoy: 201,
  tavgPerDegreeLat: -0.95,
  warmingPerYear: 0.02,
  /** Daily anomaly sd: base + amplitude·cos(2π(doy − 15)/365.25), largest in January. */
  anomalySdBase: 3.3,
  anomalySdAmplitude: 1.2,
  /** Weights and AR(1) coefficients of the regional, state and county anomaly processes (unit variance each). */
  anomalyWeights: [0.77, 0.5, 0.4] as const,
  anomalyPhi: [0.75, 0.7, 0.6] as const,
  /** Diurnal range: base + amplitude·cos(2π(doy − 120)/365.25), minus the wet-day cut, plus county noise (sd). */
  dtrBase: 11.5,
  dtrAmplitude: 1,
  dtrWetDay: -3.5,
  dtrNoiseSd: 0.8,
  dtrMin: 1.5,
  tavgWetDay: -0.8,
  /** Year-level summer heat anomaly (°C): regional sd (folded to ≥ 0 in drought years), state sd; applied with weight exp(−((doy − 205)/40)²). */
  summerHeatSd: 0.7,
  summerHeatStateSd: 0.35,
  summerPeakDoy: 205,
  summerWidthDays: 40,
  /** Year-level summer rain factor: exp(heatCoupling·heat + N(0, regionalSd) (folded to ≤ 0 in drought years) + N(0, stateSd)). */
  summerRainHeatCoupling: -0.1,
  summerRainSd: 0.15,
  summerRainStateSd: 0.08,
  /** Drought: full effect from J = 0 (1 July) to J = 50 (20 August), ramping in from J = −21 and out by J = 71. */
  droughtRampStart: -21,
  droughtFullStart: 0,
  droughtFullEnd: 50,
  droughtRampEnd: 71,
  /** Drought effects at severity 1: tavg (°C), diurnal range (°C), relative cut of the wet-day probability and of rain amounts. */
  droughtTavg: 2.6,
  droughtDtr: 1.6,
  droughtWetCut: 0.5,
  droughtAmountCut: 0.3,
  /** A state's share of a drought year's severity: uniform in [min, min + spread). */
  droughtStateMin: 0.8,
  droughtStateSpread: 0.35,
  /** Wet-day probability base + amplitude·cos(2π(doy − 160)/365.25); mean wet-day amount (mm) likewise with peak doy 175. */
  wetProbBase: 0.28,
  wetProbAmplitude: 0.1,
  wetProbPeakDoy: 160,
  wetAmountBase: 6.5,
  wetAmountAmplitude: 4.5,
  wetAmountPeakDoy: 175,
  /** Gamma shape of wet-day amounts; rain is recorded to 0.1 mm. */
  wetAmountShape: 0.8,
  /** Weights of the regional, state and county rain-occurrence Gaussians; AR(1) coefficients of the first two (the county part is white). */
  rainWeights: [Math.SQRT1_2, 0.5, 0.5] as const,
  rainPhi: [0.5, 0.3] as const,
  /** Soil-water bucket: PET = max(0, petPerDegree·(tavg + petOffset)) mm/day, ET = PET·min(1, W / (½·AWC)). */
  petPerDegree: 0.21,
  petOffset: 3,
  /** Crop stress: s = ½·clamp((tmax − 30)/8, 0, 1) + ½·clamp(1 − W/(½·AWC), 0, 1); Σ ← 0.95·Σ + 0.05·s. */
  heatStressThreshold: 30,
  heatStressRange: 8,
  stressMemory: 0.95,
  /** Greenness: base − snow·max(0, cos(2π(doy − 15)/365.25)) + amplitude·vigor·g·(1 − stressCut·Σ) − shock·u·g (from J = −10). */
  ndviBase: 0.22,
  ndviSnow: 0.07,
  ndviAmplitude: 0.64,
  ndviStressCut: 0.6,
  ndviShock: 0.03,
  ndviShockFromJ: -10,
  /** Canopy g = L((J − greenUp)/greenUpScale)·(1 − L((J − senescence)/senescenceScale)), L the logistic. */
  greenUpJ: -21,
  greenUpScale: 9,
  senescenceJ: 73,
  senescenceScale: 8,
  /** Observation noise sd, and the cloud-contamination chance and multiplier range [lo, hi). */
  ndviNoiseSd: 0.015,
  cloudChance: 0.03,
  cloudFactor: [0.6, 0.9] as const,
});

const TWO_PI_YEAR = (2 * Math.PI) / 365.25;

/** The year-level draws of one state in one season year. */
interface StateYear {
  summerHeat: number;
  summerRainFactor: number;
  droughtSeverity: number;
}

/**
 * Generates the daily indices of `counties` (README → Daily indices). `shocks[c * nYears + k]` is county c's
 * non-weather shock u in season year k (disease, hail, flooding): it depresses greenness from early July and
 * so shows in the NDVI that yields depend on.
 */
export function generateDailyIndices(
  counties: readonly ExampleCounty[],
  shocks: Float64Array,
  options: ResolvedExampleOptions,
): DailyIndices {
  const M = WEATHER_MODEL;
  const first = civilToEpochDay({ year: options.firstYear, month: 1, day: 1 });
  const last = civilToEpochDay({ year: options.lastYear, month: 12, day: 31 });
  const nTime = last - first + 1;
  const nYears = options.lastYear - options.firstYear + 1;

  const time = new Int32Array(nTime);
  const yearIndex = new Int32Array(nTime);
  const fromJul1 = new Int32Array(nTime);
  const clim = new Float64Array(nTime);
  const anomalySd = new Float64Array(nTime);
  const dtrClim = new Float64Array(nTime);
  const summerWeight = new Float64Array(nTime);
  const droughtWeight = new Float64Array(nTime);
  const wetProb = new Float64Array(nTime);
  const wetAmount = new Float64Array(nTime);
  const snow = new Float64Array(nTime);
  const canopy = new Float64Array(nTime);
  const shockWeight = new Float64Array(nTime);
  for (let t = 0; t < nTime; t++) {
    const day = first + t;
    const { year } = epochDayToCivil(day);
    const doy = dayOfYear(day);
    const j = day - civilToEpochDay({ year, month: 7, day: 1 });
    time[t] = day;
    yearIndex[t] = year - options.firstYear;
    fromJul1[t] = j;
    clim[t] =
      M.tavgMean + M.tavgAmplitude * Math.cos(TWO_PI_YEAR * (doy - M.tavgPeakDoy)) + M.warmingPerYear * (year - 2010);
    anomalySd[t] = M.anomalySdBase + M.anomalySdAmplitude * Math.cos(TWO_PI_YEAR * (doy - 15));
    dtrClim[t] = M.dtrBase + M.dtrAmplitude * Math.cos(TWO_PI_YEAR * (doy - 120));
    summerWeight[t] = Math.exp(-(((doy - M.summerPeakDoy) / M.summerWidthDays) ** 2));
    droughtWeight[t] = droughtRamp(j);
    wetProb[t] = M.wetProbBase + M.wetProbAmplitude * Math.cos(TWO_PI_YEAR * (doy - M.wetProbPeakDoy));
    wetAmount[t] = M.wetAmountBase + M.wetAmountAmplitude * Math.cos(TWO_PI_YEAR * (doy - M.wetAmountPeakDoy));
    snow[t] = M.ndviSnow * Math.max(0, Math.cos(TWO_PI_YEAR * (doy - 15)));
    canopy[t] = logistic((j - M.greenUpJ) / M.greenUpScale) * (1 - logistic((j - M.senescenceJ) / M.senescenceScale));
    shockWeight[t] = j >= M.ndviShockFromJ ? canopy[t]! : 0;
  }

  const stateYears = drawStateYears(options, nYears);
  const [wR, wS, wC] = M.anomalyWeights;
  const [phiR, phiS, phiC] = M.anomalyPhi;
  const [vR, vS, vC] = M.rainWeights;
  const [pR, pS] = M.rainPhi;

  // Regional processes, shared by every county.
  const regionRng = Prng.stream(options.seed, 'weather/region');
  const regionTemp = ar1(regionRng, nTime, phiR);
  const regionRain = ar1(regionRng, nTime, pR);

  // State processes and the state's daily shifts, thresholds and rain amounts.
  const stateDaily = new Map<
    string,
    {
      temp: Float64Array;
      tavgShift: Float64Array;
      dtrShift: Float64Array;
      rainThreshold: Float64Array;
      rainMean: Float64Array;
      rain: Float64Array;
    }
  >();
  for (const state of CORN_BELT_STATES.slice(0, options.states)) {
    const rng = Prng.stream(options.seed, `weather/state/${state.fips}`);
    const temp = ar1(rng, nTime, phiS);
    const rain = ar1(rng, nTime, pS);
    const tavgShift = new Float64Array(nTime);
    const dtrShift = new Float64Array(nTime);
    const rainThreshold = new Float64Array(nTime);
    const rainMean = new Float64Array(nTime);
    const years = stateYears.get(state.fips)!;
    for (let t = 0; t < nTime; t++) {
      const sy = years[yearIndex[t]!]!;
      const ws = summerWeight[t]!;
      const wd = droughtWeight[t]! * sy.droughtSeverity;
      const rainFactor = 1 + (sy.summerRainFactor - 1) * ws;
      tavgShift[t] = sy.summerHeat * ws + M.droughtTavg * wd;
      dtrShift[t] = M.droughtDtr * wd;
      const p = Math.min(0.95, Math.max(0.01, wetProb[t]! * (1 + 0.5 * (rainFactor - 1)) * (1 - M.droughtWetCut * wd)));
      rainThreshold[t] = normalQuantile(p);
      rainMean[t] = wetAmount[t]! * state.precipFactor * rainFactor * (1 - M.droughtAmountCut * wd);
    }
    stateDaily.set(state.fips, { temp, tavgShift, dtrShift, rainThreshold, rainMean, rain });
  }

  const n = counties.length * nTime;
  const out: DailyIndices = {
    time,
    tmax: new Float32Array(n),
    tmin: new Float32Array(n),
    tavg: new Float32Array(n),
    prcp: new Float32Array(n),
    ndvi: new Float32Array(n),
  };
  const shape = M.wetAmountShape;
  const cR = Math.sqrt(1 - phiC * phiC);
  const [cloudLo, cloudHi] = M.cloudFactor;
  counties.forEach((county, c) => {
    const sd = stateDaily.get(county.state.fips)!;
    const rng = Prng.stream(options.seed, `weather/county/${county.fips}`);
    const latShift = M.tavgPerDegreeLat * (county.lat - 41.5);
    const awc = county.soilAwcMm;
    let countyTemp = rng.normal();
    let water = awc;
    let stress = 0;
    const base = c * nTime;
    for (let t = 0; t < nTime; t++) {
      countyTemp = phiC * countyTemp + cR * rng.normal();
      const z = vR * regionRain[t]! + vS * sd.rain[t]! + vC * rng.normal();
      const wet = z < sd.rainThreshold[t]!;
      const amount = wet ? rng.gamma(shape, (sd.rainMean[t]! * county.precipFactor) / shape) : 0;
      const prcp = Math.round(amount * 10) / 10;
      const rainy = prcp > 0;

      const anomaly = anomalySd[t]! * (wR * regionTemp[t]! + wS * sd.temp[t]! + wC * countyTemp);
      const tavg = clim[t]! + latShift + anomaly + sd.tavgShift[t]! + (rainy ? M.tavgWetDay : 0);
      const dtr = Math.max(
        M.dtrMin,
        dtrClim[t]! + sd.dtrShift[t]! + (rainy ? M.dtrWetDay : 0) + M.dtrNoiseSd * rng.normal(),
      );
      const tmax = tavg + dtr / 2;

      // Soil-water bucket and the crop's running stress.
      water = Math.min(awc, water + prcp);
      const pet = Math.max(0, M.petPerDegree * (tavg + M.petOffset));
      water = Math.max(0, water - pet * Math.min(1, water / (0.5 * awc)));
      const heat = clamp01((tmax - M.heatStressThreshold) / M.heatStressRange);
      const dry = clamp01(1 - water / (0.5 * awc));
      stress = M.stressMemory * stress + (1 - M.stressMemory) * (0.5 * heat + 0.5 * dry);

      const shock = shocks[c * nYears + yearIndex[t]!]!;
      const noise = M.ndviNoiseSd * rng.normal();
      const cloud = rng.uniform() < M.cloudChance ? cloudLo + (cloudHi - cloudLo) * rng.uniform() : 1;
      const green =
        M.ndviBase -
        snow[t]! +
        M.ndviAmplitude * county.vigor * canopy[t]! * (1 - M.ndviStressCut * stress) -
        M.ndviShock * shock * shockWeight[t]!;
      const ndvi = clamp01((green + noise) * cloud);

      const i = base + t;
      out.tavg[i] = tavg;
      out.tmax[i] = tmax;
      out.tmin[i] = tavg - dtr / 2;
      out.prcp[i] = prcp;
      out.ndvi[i] = ndvi;
    }
  });
  return out;
}

/**
 * Year-level draws for every state of the list (not only the selected ones, so a state's years do not
 * depend on how many states are generated), one stream per season year.
 */
function drawStateYears(options: ResolvedExampleOptions, nYears: number): Map<string, StateYear[]> {
  const M = WEATHER_MODEL;
  const severity = droughtSeverityByYear(options);
  const byState = new Map<string, StateYear[]>(CORN_BELT_STATES.map((s) => [s.fips, []]));
  for (let k = 0; k < nYears; k++) {
    const rng = Prng.stream(options.seed, `weather/year/${options.firstYear + k}`);
    // A drought year's summer is never also cool or wet: its regional draws are folded to the hot, dry side.
    const drought = severity[k]! > 0;
    const heatDraw = M.summerHeatSd * rng.normal();
    const rainDraw = M.summerRainSd * rng.normal();
    const heat = drought ? Math.abs(heatDraw) : heatDraw;
    const rain = drought ? -Math.abs(rainDraw) : rainDraw;
    for (const state of CORN_BELT_STATES) {
      const summerHeat = heat + M.summerHeatStateSd * rng.normal();
      const summerRainFactor = Math.exp(
        M.summerRainHeatCoupling * summerHeat + rain + M.summerRainStateSd * rng.normal(),
      );
      const share = M.droughtStateMin + M.droughtStateSpread * rng.uniform();
      byState.get(state.fips)!.push({ summerHeat, summerRainFactor, droughtSeverity: severity[k]! * share });
    }
  }
  return byState;
}

/** A stationary unit-variance AR(1) series: x₀ ~ N(0, 1), xₜ = φ·xₜ₋₁ + √(1 − φ²)·εₜ. */
function ar1(rng: Prng, n: number, phi: number): Float64Array {
  const out = new Float64Array(n);
  const innovation = Math.sqrt(1 - phi * phi);
  let x = rng.normal();
  for (let t = 0; t < n; t++) {
    if (t > 0) x = phi * x + innovation * rng.normal();
    out[t] = x;
  }
  return out;
}

/** The drought weight of a day J days after 1 July: 0 → 1 → 0 over late June to early September. */
function droughtRamp(j: number): number {
  const M = WEATHER_MODEL;
  if (j <= M.droughtRampStart || j >= M.droughtRampEnd) return 0;
  if (j < M.droughtFullStart) return (j - M.droughtRampStart) / (M.droughtFullStart - M.droughtRampStart);
  if (j <= M.droughtFullEnd) return 1;
  return (M.droughtRampEnd - j) / (M.droughtRampEnd - M.droughtFullEnd);
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
