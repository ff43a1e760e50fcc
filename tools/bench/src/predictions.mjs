// The walk_forward_preds table of rundir-layout.md, and a deterministic synthetic instance of it.
const GEOS = 3000;
const YEARS = 30;

export const walkForwardPreds = {
  name: 'walk_forward_preds',
  columns: [
    { name: 'year', type: 'int32', nullable: false },
    { name: 'geo_identifier', type: 'utf8', nullable: false },
    { name: 'init_date', type: 'date', nullable: false },
    { name: 'fold', type: 'utf8', nullable: false },
    { name: 'obs_yield_kg_ha', type: 'double', nullable: true },
    { name: 'trend_kg_ha', type: 'double', nullable: false },
    { name: 'sim_yield_kg_ha_detrended', type: 'double', nullable: false },
    { name: 'sim_yield_kg_ha', type: 'double', nullable: false },
    { name: 'area_harvested_ha', type: 'double', nullable: false },
  ],
  key: ['year', 'geo_identifier', 'init_date'],
};

/**
 * 3,000 geos × 30 years × as many weekly init dates as the row count needs; about 4% of observations unknown
 * (null), so obs_yield_kg_ha is an array with nulls and the other measures are Float64Arrays.
 */
export function predictions(n) {
  const year = new Int32Array(n);
  const initDate = new Int32Array(n);
  const geoNames = Array.from({ length: GEOS }, (_, g) => (g % 50 === 0 ? `ADM2:USA:${g}` : String(17000 + g)));
  const geo = new Array(n);
  const fold = new Array(n);
  const obs = new Array(n);
  const trend = new Float64Array(n);
  const detrended = new Float64Array(n);
  const sim = new Float64Array(n);
  const area = new Float64Array(n);
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const g = i % GEOS;
    const y = 1990 + (Math.floor(i / GEOS) % YEARS);
    const week = Math.floor(i / (GEOS * YEARS));
    year[i] = y;
    geo[i] = geoNames[g];
    initDate[i] = Date.UTC(y, 4, 1) / 86_400_000 + 7 * week;
    fold[i] = String(y);
    trend[i] = 7000 + 60 * (y - 1990) + (g % 97) * 10;
    detrended[i] = (random() - 0.5) * 2000;
    sim[i] = trend[i] + detrended[i];
    obs[i] = random() < 0.04 ? null : sim[i] + (random() - 0.5) * 500;
    area[i] = 100 + random() * 50_000;
  }
  return {
    numRows: n,
    columnNames: walkForwardPreds.columns.map((c) => c.name),
    columns: {
      year,
      geo_identifier: geo,
      init_date: initDate,
      fold,
      obs_yield_kg_ha: obs,
      trend_kg_ha: trend,
      sim_yield_kg_ha_detrended: detrended,
      sim_yield_kg_ha: sim,
      area_harvested_ha: area,
    },
  };
}

/** The same rows with obs_yield_kg_ha as a Float64Array plus a null mask (frame.nulls), as large tables hold it. */
export function maskedPredictions(frame) {
  const obs = frame.columns.obs_yield_kg_ha;
  const values = new Float64Array(frame.numRows);
  const mask = new Uint8Array(frame.numRows);
  for (let i = 0; i < frame.numRows; i++) {
    if (obs[i] === null) mask[i] = 1;
    else values[i] = obs[i];
  }
  return { ...frame, columns: { ...frame.columns, obs_yield_kg_ha: values }, nulls: { obs_yield_kg_ha: mask } };
}
