import { fixtureConfig } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import type { DeliveryPoint } from './compute/DeliveryPoint.js';
import { validatedDeliveryFiles } from './WriteDelivery.js';

const config = fixtureConfig('/data');
const STORY = 'ADM0:USA/ADM1:iowa/ADM2:story';
const point = (geo: string, initDate: string, mean: number, lower: number): DeliveryPoint => ({
  admLevel: 2,
  year: 2018,
  initDate,
  geo,
  fold: '2018',
  meanKgHa: mean,
  weatherCorrectionKgHa: 1,
  actualKgHa: null,
  bands: [
    { lower, upper: mean + (mean - lower) },
    { lower: -Infinity, upper: Infinity },
  ],
});
const files = (points: DeliveryPoint[]) =>
  validatedDeliveryFiles({
    points,
    config,
    levels: [0.8, 0.95],
    stamp: { runId: '20240802_100000_corn_usa', generatedDate: '2024-08-02' },
    includedGeos: new Set([STORY]),
    location: (l) => `/r/runs/20240802_100000_corn_usa/delivery/Treefera_corn_usa_ADM${l}_Hindcast_20240802.csv`,
  });

describe('validatedDeliveryFiles', () => {
  it('orders rows by year, init date and geo, and writes RFC 4180 text with CRLF and empty infinite bounds', () => {
    const [, , adm2] = files([point(STORY, '2018-07-08', 7000, 6900), point(STORY, '2018-07-01', 6277, 6000)]);
    const lines = adm2?.text.split('\r\n') ?? [];
    expect(lines[0]).toBe(
      'commodity,year,init_date,geo_identifier,variable,model,mean,weather_correction,nass_actual,lower_80,upper_80,lower_95,upper_95,run_id,generated_date',
    );
    expect(lines[1]?.startsWith('CORN,2018,2018-07-01,ADM0:USA/ADM1:iowa/ADM2:story,yield_bu_acre,TFFS_V0,')).toBe(
      true,
    );
    expect(lines[1]?.endsWith(',,,20240802_100000_corn_usa,2024-08-02')).toBe(true);
    expect(lines[2]?.split(',')[2]).toBe('2018-07-08');
    expect(lines).toHaveLength(4); // header, two rows, and the empty string after the final CRLF
    expect(adm2?.rows).toBe(2);
  });

  it('fails the whole delivery naming the key of a row outside the universe, before any file is returned', () => {
    expect(() =>
      files([point(STORY, '2018-07-01', 6277, 6000), point('ADM0:USA/ADM1:iowa/ADM2:polk', '2018-07-01', 6277, 6000)]),
    ).toThrow(
      /^delivery row ADM2 \(2018, 2018-07-01, ADM0:USA\/ADM1:iowa\/ADM2:polk\): .*Treefera_corn_usa_ADM2_Hindcast_20240802\.csv: row 0 \(line 2\) column "geo_identifier": expected a geo listed in included_geo_identifiers\.txt.*; nothing was delivered$/,
    );
  });
});
