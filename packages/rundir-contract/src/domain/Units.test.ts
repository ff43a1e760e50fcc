import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import {
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

describe('unit constants and factors', () => {
  it('uses the constants of pipeline.md', () => {
    expect(ACRE_HA).toBe(0.404686);
    expect(LB_KG).toBe(0.453592);
  });

  it('1 bu/ac of corn (56 lb) is 62.77 kg/ha and of soybeans or wheat (60 lb) 67.25 kg/ha', () => {
    // By hand: 56 × 0.453592 = 25.401152 kg per bushel, spread over 0.404686 ha = 62.7676 kg/ha.
    expect(kgHaPerBuAcre(56)).toBeCloseTo(25.401152 / 0.404686, 10);
    expect(Math.abs(kgHaPerBuAcre(56) - 62.77)).toBeLessThan(0.01);
    expect(Math.abs(kgHaPerBuAcre(60) - 67.25)).toBeLessThan(0.01);
  });

  it('refuses a missing or non-positive bushel weight', () => {
    expect(() => kgHaPerBuAcre(0)).toThrow(ContractError);
    expect(() => kgHaPerBuAcre(Number.NaN)).toThrow(
      'commodity.bushel_weight_lbs: expected a positive number of lb per bushel, got NaN',
    );
    expect(() => kgHaToDeliveryUnit(10_000, 'bu_acre')).toThrow(
      'commodity.bushel_weight_lbs: required to convert to bu_acre',
    );
  });
});

describe('kgHaToDeliveryUnit / deliveryUnitToKgHa', () => {
  it('converts a 2023 US corn yield of 177.3 bu/ac to 11,129 kg/ha and back', () => {
    const kgHa = deliveryUnitToKgHa(177.3, 'bu_acre', 56);
    expect(kgHa).toBeCloseTo((177.3 * 56 * 0.453592) / 0.404686, 9);
    expect(Math.round(kgHa)).toBe(11129);
    expect(kgHaToDeliveryUnit(kgHa, 'bu_acre', 56)).toBeCloseTo(177.3, 12);
  });

  it('converts cotton lb/ac without a bushel weight (1 lb/ac = 1.1209 kg/ha)', () => {
    expect(deliveryUnitToKgHa(1, 'lbs_acre')).toBeCloseTo(0.453592 / 0.404686, 12);
    expect(deliveryUnitToKgHa(900, 'lbs_acre')).toBeCloseTo(1008.76, 2);
    expect(kgHaToDeliveryUnit(1008.7648, 'lbs_acre')).toBeCloseTo(900, 3);
    // A bushel weight passed along for lb/ac is irrelevant, not an error.
    expect(kgHaToDeliveryUnit(1008.7648, 'lbs_acre', 56)).toBeCloseTo(900, 3);
  });

  it('round-trips a spread of soybean yields exactly (to 1e-12 relative)', () => {
    for (const buAcre of [0, 15, 33.3, 51.7, 70]) {
      const back = kgHaToDeliveryUnit(deliveryUnitToKgHa(buAcre, 'bu_acre', 60), 'bu_acre', 60);
      expect(Math.abs(back - buAcre)).toBeLessThanOrEqual(1e-12 * Math.max(1, buAcre));
    }
  });

  it('refuses an unknown unit with the field name', () => {
    expect(() => kgHaToDeliveryUnit(1, 'kg_ha' as never)).toThrow(
      'commodity.delivery_unit: expected "bu_acre" or "lbs_acre", got "kg_ha"',
    );
  });

  it('names the delivery variable of each unit', () => {
    expect(deliveryVariable('bu_acre')).toBe('yield_bu_acre');
    expect(deliveryVariable('lbs_acre')).toBe('yield_lbs_acre');
  });
});

describe('tHaToKgHa / acresToHa', () => {
  it('converts CY-Bench t/ha and NASS acres', () => {
    expect(tHaToKgHa(11.129)).toBeCloseTo(11129, 9);
    // 160,000 × 0.404686 = 64,749.76 ha.
    expect(acresToHa(160_000)).toBeCloseTo(64749.76, 6);
  });
});

describe('clipToRange', () => {
  it('clips into [lo, hi], counts the clipped values and keeps NaN missing', () => {
    const result = clipToRange([49, 50, 120.5, 250, 251, Number.NaN, Number.POSITIVE_INFINITY, -3], [50, 250]);
    expect(result.values).toEqual([50, 50, 120.5, 250, 250, Number.NaN, 250, 50]);
    expect(result.clipped).toBe(4);
  });

  it('accepts typed arrays and leaves the input untouched', () => {
    const input = Float64Array.from([5, 15, 80]);
    const result = clipToRange(input, [15, 70]);
    expect(result).toEqual({ values: [15, 15, 70], clipped: 2 });
    expect(Array.from(input)).toEqual([5, 15, 80]);
  });

  it('refuses an inverted or non-finite range', () => {
    expect(() => clipToRange([1], [250, 50])).toThrow(
      'yield_range: expected [lo, hi] with finite lo <= hi, got [250, 50]; fix commodity.yield_range',
    );
    expect(() => clipToRange([1], [0, Number.NaN])).toThrow(ContractError);
  });
});
