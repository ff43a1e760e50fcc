import { describe, expect, it } from 'vitest';
import { ContractError, SemanticError } from '../errors/ContractError.js';
import { isoToEpochDay } from '../domain/EpochDay.js';
import { MemoryStore } from '../testing/index.js';
import { deliveryColumns } from '../schemas/DeliveryRow.js';
import type { Model } from '../schemas/JsonArtifacts.js';
import type { Frame } from '../schemas/TableSchema.js';
import { fixtureConfig } from '../testing/index.js';
import { writeArtifactDocument, writeArtifactTable, writeDeliveryCsv } from './writeArtifact.js';
import { writeGeoList } from '../io/GeoList.js';
import type { WriteOptions } from '../store/Store.js';

const runDir = '/data/runs/20240801_000000_corn_usa';
const config = fixtureConfig('/data');

function preds(fold: string, sim: number): Frame {
  return {
    numRows: 1,
    columnNames: [
      'year',
      'geo_identifier',
      'init_date',
      'fold',
      'obs_yield_kg_ha',
      'trend_kg_ha',
      'sim_yield_kg_ha_detrended',
      'sim_yield_kg_ha',
      'area_harvested_ha',
    ],
    columns: {
      year: Int32Array.from([2018]),
      geo_identifier: ['ADM0:USA/ADM1:iowa/ADM2:story'],
      init_date: Int32Array.from([isoToEpochDay('2018-07-29')]),
      fold: [fold],
      obs_yield_kg_ha: [null],
      trend_kg_ha: Float64Array.from([9000]),
      sim_yield_kg_ha_detrended: Float64Array.from([150]),
      sim_yield_kg_ha: Float64Array.from([sim]),
      area_harvested_ha: [1000],
    },
  };
}

describe('writeArtifactTable', () => {
  const location = `${runDir}/preds/corn_usa/2018/walk_forward_preds.parquet`;

  it('writes a frame whose meaning holds, with the fold read from the location', async () => {
    const store = new MemoryStore();
    await writeArtifactTable(location, 'walk_forward_preds', preds('2018', 9150), { store, context: { config } });
    expect((await store.read(location)).length).toBeGreaterThan(0);
  });

  it('refuses a frame that breaks its checks with one SemanticError line, and writes nothing', async () => {
    const store = new MemoryStore();
    const write = writeArtifactTable(location, 'walk_forward_preds', preds('banana', 9999), { store });
    await expect(write).rejects.toThrow(SemanticError);
    await expect(writeArtifactTable(location, 'walk_forward_preds', preds('banana', 9999), { store })).rejects.toThrow(
      `${location} (not written): 2 semantic violations: row 0 column "sim_yield_kg_ha": expected trend_kg_ha + sim_yield_kg_ha_detrended = 9150 (within 1e-9 relative), found 9999; ` +
        'row 0 column "fold": expected "2018" (the fold folder), found "banana"',
    );
    expect(await store.exists(location)).toBe(false);
  });

  it('refuses a location that is not where the layout puts the artifact', async () => {
    await expect(
      writeArtifactTable(
        `${runDir}/preds/corn_usa/2018/train_preds.parquet`,
        'walk_forward_preds',
        preds('2018', 9150),
        { store: new MemoryStore() },
      ),
    ).rejects.toThrow(ContractError);
  });
});

describe('writeArtifactDocument', () => {
  it('refuses a ridge model with 3 features and 1 coefficient', async () => {
    const store = new MemoryStore();
    const location = `${runDir}/models/corn_usa/2018/model.json`;
    const model: Model = {
      kind: 'ridge',
      feature_columns: ['a', 'b', 'c'],
      standardisation: { means: [0, 0, 0], scales: [1, 1, 1] },
      alpha: 1,
      intercept: 0,
      coefficients: [1],
    };
    await expect(writeArtifactDocument(location, 'model', model, { store })).rejects.toThrow(
      `${location} (not written): 1 semantic violation: field "coefficients": expected 3 entries (one per feature column), found 1`,
    );
    expect(await store.exists(location)).toBe(false);
    await writeArtifactDocument(
      location,
      'model',
      { ...model, coefficients: [1, 2, 3] },
      { store, context: { config } },
    );
    expect(JSON.parse(new TextDecoder().decode(await store.read(location))).coefficients).toEqual([1, 2, 3]);
  });

  it('hands { durable: false } to the store when asked, and nothing otherwise', async () => {
    const seen: (WriteOptions | undefined)[] = [];
    const store = new (class extends MemoryStore {
      override async write(location: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
        seen.push(options);
        await super.write(location, data);
      }
    })();
    const location = `${runDir}/models/corn_usa/2018/model.json`;
    const model: Model = {
      kind: 'ridge',
      feature_columns: ['a'],
      standardisation: { means: [0], scales: [1] },
      alpha: 1,
      intercept: 0,
      coefficients: [1],
    };
    await writeArtifactDocument(location, 'model', model, { store, durable: false });
    await writeArtifactDocument(location, 'model', model, { store });
    await writeGeoList(`${runDir}/included_geo_identifiers.txt`, ['ADM0:USA/ADM1:iowa/ADM2:story'], {
      store,
      durable: false,
    });
    expect(seen).toEqual([{ durable: false }, {}, { durable: false }]);
  });
});

describe('writeDeliveryCsv and deliveryColumns', () => {
  const location = `${runDir}/delivery/Treefera_corn_usa_ADM0_Hindcast_20240801.csv`;

  it('gives the exact column order of pipeline.md → DELIVER', () => {
    expect(deliveryColumns(config, 0)).toEqual([
      'commodity',
      'year',
      'init_date',
      'geo_identifier',
      'variable',
      'model',
      'mean',
      'weather_correction',
      'nass_actual',
      'nass_actual_area_weighted_all',
      'nass_actual_prod_div_area_all',
      'lower_80',
      'upper_80',
      'lower_95',
      'upper_95',
      'run_id',
      'generated_date',
    ]);
    const withWasde = {
      ...config,
      delivery: { ...config.delivery, ci_levels: [0.95, 0.5] as typeof config.delivery.ci_levels },
      reference_data: [{ kind: 'wasde' as const, filepath: '/data/wasde.csv' }],
    };
    expect(deliveryColumns(withWasde, 0).slice(11)).toEqual([
      'lower_50',
      'upper_50',
      'lower_95',
      'upper_95',
      'wasde_in_season',
      'run_id',
      'generated_date',
    ]);
    expect(deliveryColumns(withWasde, 2).slice(8)).toEqual([
      'nass_actual',
      'lower_50',
      'upper_50',
      'lower_95',
      'upper_95',
      'run_id',
      'generated_date',
    ]);
  });

  const row = (overrides: Record<string, string | number | null> = {}) => {
    const values: Record<string, string | number | null> = {
      commodity: 'CORN',
      year: 2018,
      init_date: '2018-07-29',
      geo_identifier: 'ADM0:USA',
      variable: 'yield_bu_acre',
      model: 'TFFS_V0',
      mean: 180,
      weather_correction: 2,
      nass_actual: 176,
      nass_actual_area_weighted_all: 175,
      nass_actual_prod_div_area_all: 175.5,
      lower_80: 170,
      upper_80: 190,
      lower_95: null,
      upper_95: null,
      run_id: '20240801_000000_corn_usa',
      generated_date: '2024-08-01',
      ...overrides,
    };
    return deliveryColumns(config, 0).map((c) => values[c] ?? null);
  };

  it('writes rows that match, an infinite bound as an empty cell', async () => {
    const store = new MemoryStore();
    await writeDeliveryCsv(location, deliveryColumns(config, 0), [row()], {
      store,
      context: { config, runId: '20240801_000000_corn_usa' },
    });
    expect(new TextDecoder().decode(await store.read(location)).split('\r\n')[1]).toBe(
      'CORN,2018,2018-07-29,ADM0:USA,yield_bu_acre,TFFS_V0,180,2,176,175,175.5,170,190,,,20240801_000000_corn_usa,2024-08-01',
    );
  });

  it('refuses a one-column file, a wrong generated date, a mean outside its band, a county in the ADM0 file and uneven init dates', async () => {
    const store = new MemoryStore();
    await expect(writeDeliveryCsv(location, ['mean'], [[180]], { store, context: { config } })).rejects.toThrow(
      /header: expected columns commodity, year, init_date, .*, found mean$/,
    );
    const bad = [
      row({ generated_date: '2024-07-31' }),
      row({ init_date: '2018-10-01', mean: 195 }),
      row({ geo_identifier: 'ADM0:USA/ADM1:iowa', init_date: '2018-08-05' }),
    ];
    await expect(
      writeDeliveryCsv(location, deliveryColumns(config, 0), bad, { store, context: { config } }),
    ).rejects.toThrow(
      `${location} (not written): 4 semantic violations: ` +
        'row 0 (line 2) column "generated_date": expected 2024-08-01 (the file name\'s date), found "2024-07-31"; ' +
        'row 1 (line 3) columns "lower_80", "upper_80": expected lower_80 <= mean 195 <= upper_80, found 170 and 190; ' +
        'row 2 (line 4) column "geo_identifier": expected an ADM0 geo identifier (the file\'s level), found "ADM0:USA/ADM1:iowa" (an ADM1 identifier); ' +
        'year 2018 geo "ADM0:USA/ADM1:iowa": expected the init dates of ADM0:USA (2018-07-29, 2018-10-01), found 2018-08-05',
    );
    expect(await store.exists(location)).toBe(false);
  });

  it('refuses a band that widens as the init date advances (delivery.enforce_ci_narrowing)', async () => {
    const store = new MemoryStore();
    const rows = [row(), row({ init_date: '2018-10-01', lower_80: 165, upper_80: 191 })];
    await expect(
      writeDeliveryCsv(location, deliveryColumns(config, 0), rows, { store, context: { config } }),
    ).rejects.toThrow(
      'row 1 (line 3) columns "lower_80", "upper_80": expected a 80% band of ADM0:USA in 2018 no wider than at 2018-07-29 (20; delivery.enforce_ci_narrowing), found width 26 at 2018-10-01',
    );
    const relaxed = { ...config, delivery: { ...config.delivery, enforce_ci_narrowing: false } };
    await writeDeliveryCsv(location, deliveryColumns(config, 0), rows, { store, context: { config: relaxed } });
    expect(await store.exists(location)).toBe(true);
  });
});
