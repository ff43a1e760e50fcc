import { formatCsv } from '../src/io/Csv.js';
import { formatJson } from '../src/io/Json.js';
import { decodeParquet, encodeParquet } from '../src/io/Parquet.js';
import {
  conformalPath,
  detrenderPath,
  forecastDeliveryPath,
  modelPath,
  nationalPath,
  runPath,
  walkForwardPredsPath,
  type StageName,
} from '../src/layout/RunLayout.js';
import { readManifest, writeManifest } from '../src/manifest/Manifest.js';
import type { Detrender, Model } from '../src/schemas/JsonArtifacts.js';
import { conformalSchema, nationalSchema, walkForwardPredsSchema } from '../src/schemas/Tables.js';
import type { Frame, TableSchema } from '../src/schemas/TableSchema.js';
import { FIXTURE_SLICE, type BuiltRunDir } from '../src/testing/index.js';

/**
 * The run directory of issue 6's first paragraph: buildRunDir's valid run directory with one defect of meaning
 * planted per bullet — files rewritten with raw store writes (past the contract's writers, which would refuse them)
 * and their manifests rewritten, so that only the semantic checks can catch them.
 * Returns the failure lines `validateRunDir` must report, one per planted defect, as `<path>: <reason>`.
 */
export async function plantNonsense(built: BuiltRunDir): Promise<string[]> {
  const { runDir, store, config } = built;
  const key = config.experiment_key;
  const at = (path: string): string => runPath(runDir, path);
  const read = async (path: string, schema: TableSchema): Promise<Frame> =>
    decodeParquet(await store.read(at(path)), schema, path);
  // Written as nullable doubles so that a NaN gets to disk; the on-disk types stay those of the schema.
  const relaxed = (schema: TableSchema): TableSchema => ({
    ...schema,
    columns: schema.columns.map((c) => (c.type === 'double' ? { ...c, nullable: true } : c)),
  });
  const expected: string[] = [];

  // Conformal: adm_level ADM9, scope "weird", level 1.5, a NaN half-width — one row each.
  const conformal = conformalPath('hindcast_oos_per_init_date');
  const sidecar = await read(conformal, conformalSchema);
  (sidecar.columns.adm_level as string[])[0] = 'ADM9';
  (sidecar.columns.scope as string[])[1] = 'weird';
  (sidecar.columns.level as Float64Array)[2] = 1.5;
  (sidecar.columns.half_width_kg_ha as Float64Array)[3] = Number.NaN;
  await store.write(at(conformal), encodeParquet(sidecar, relaxed(conformalSchema)));
  expected.push(
    `${conformal}: row 0 column "adm_level": expected one of ADM0, ADM1, ADM2, found "ADM9"`,
    `${conformal}: row 1 column "scope": expected "init_doy" (the scope of hindcast_oos_per_init_date), found "weird"`,
    `${conformal}: row 2 column "level": expected one of 0.5, 0.68, 0.8, 0.9, 0.95, 0.99, found 1.5`,
    `${conformal}: row 3 column "half_width_kg_ha": expected a finite number >= 0, or +Infinity when the sample is too small, found NaN`,
  );

  // Walk-forward predictions: geo "not a geo", fold "banana", sim ≠ trend + detrended — one row each.
  const preds = walkForwardPredsPath(key, 2018);
  const frame = await read(preds, walkForwardPredsSchema);
  (frame.columns.geo_identifier as string[])[0] = 'not a geo';
  (frame.columns.fold as string[])[1] = 'banana';
  const sim = frame.columns.sim_yield_kg_ha as Float64Array;
  sim[2] = (sim[2] as number) + 100;
  const sum =
    (frame.columns.trend_kg_ha as Float64Array)[2]! + (frame.columns.sim_yield_kg_ha_detrended as Float64Array)[2]!;
  await store.write(at(preds), encodeParquet(frame, walkForwardPredsSchema));
  expected.push(
    `${preds}: row 0 column "geo_identifier": expected an ADM2 geo identifier of USA, found "not a geo" (not a geo identifier)`,
    `${preds}: row 1 column "fold": expected "2018" (the fold folder), found "banana"`,
    `${preds}: row 2 column "sim_yield_kg_ha": expected trend_kg_ha + sim_yield_kg_ha_detrended = ${sum} (within 1e-9 relative), found ${sim[2]}`,
  );

  // National series without upper_95_kg_ha.
  const national = await read(nationalPath(), nationalSchema);
  national.columnNames = national.columnNames.filter((name) => name !== 'upper_95_kg_ha');
  delete national.columns.upper_95_kg_ha;
  await store.write(at(nationalPath()), encodeParquet(national, nationalSchema));
  expected.push(
    `${nationalPath()}: bound columns after sim_yield_kg_ha_corrected: expected lower_80_kg_ha, upper_80_kg_ha, lower_95_kg_ha, upper_95_kg_ha ` +
      '(delivery.ci_levels 0.8, 0.95, paired, ascending), found lower_80_kg_ha, upper_80_kg_ha, lower_95_kg_ha',
  );

  // A ridge model with 3 features and 1 coefficient (standardisation sized for 3, so the coefficients are the defect).
  const model: Model = {
    kind: 'ridge',
    feature_columns: ['gdd_jul', 'precip_jun', 'tmax_aug'],
    standardisation: { means: [50, 50, 30], scales: [28.9, 28.9, 3] },
    alpha: 1,
    intercept: 0,
    coefficients: [120.5],
  };
  await store.write(at(modelPath(key, 2018)), formatJson(model));
  expected.push(`${modelPath(key, 2018)}: field "coefficients": expected 3 entries (one per feature column), found 1`);

  // A detrender listing one group twice.
  const detrender = JSON.parse(new TextDecoder().decode(await store.read(at(detrenderPath(key, 2018))))) as Detrender;
  detrender.groups.push({ ...(detrender.groups[2] as Detrender['groups'][number]) });
  await store.write(at(detrenderPath(key, 2018)), formatJson(detrender));
  expected.push(
    `${detrenderPath(key, 2018)}: field "groups[3].geo_identifier": expected each group once, found "ADM0:USA/ADM1:iowa" again (first at groups[2])`,
  );

  // One-column delivery CSVs.
  const fullHeader =
    'commodity, year, init_date, geo_identifier, variable, model, mean, weather_correction, nass_actual';
  const bands = 'lower_80, upper_80, lower_95, upper_95, run_id, generated_date';
  for (const level of [0, 1, 2] as const) {
    const delivery = forecastDeliveryPath(FIXTURE_SLICE, key, level);
    await store.write(at(delivery), formatCsv(['mean'], [[180.5]]));
    const adm0 = level === 0 ? ', nass_actual_area_weighted_all, nass_actual_prod_div_area_all' : '';
    expected.push(`${delivery}: header: expected columns ${fullHeader}${adm0}, ${bands}, found mean`);
  }

  // Each touched stage vouches for its files again, so checksums pass and only meaning fails.
  const scopes: [StageName, string | null][] = [
    ['postprocess', null],
    ['predict', '2018'],
    ['fit', '2018'],
    ['deliver', `forecast/${FIXTURE_SLICE.seasonYear}/${FIXTURE_SLICE.initDate}`],
  ];
  for (const [stage, scope] of scopes) {
    const manifest = await readManifest(runDir, stage, scope, store);
    if (!manifest) throw new Error(`plantNonsense: no ${stage} manifest for scope ${String(scope)}`);
    await writeManifest({
      runDir,
      stage,
      scope,
      package: { name: manifest.package, version: manifest.package_version },
      startedAt: new Date(manifest.started_at),
      files: manifest.files.map((f) => f.path),
      store,
    });
  }
  return expected;
}
