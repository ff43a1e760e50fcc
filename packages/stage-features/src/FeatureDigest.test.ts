import { describe, expect, it } from 'vitest';
import { assertInputsUnchanged, type DigestedInput } from './FeatureDigest.js';
import { FeaturesInputError } from './FeaturesError.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const input = (builder: string, sha256: string): DigestedInput => ({
  builder,
  location: `/data/${builder}.parquet`,
  sha256,
});

describe('assertInputsUnchanged', () => {
  it('accepts the same digests', () => {
    expect(() =>
      assertInputsUnchanged([input('yields', a), input('soil', b)], [input('yields', a), input('soil', b)]),
    ).not.toThrow();
  });

  it('refuses an input whose bytes changed between the digest and the read, naming the field and the file', () => {
    const error = (() => {
      try {
        assertInputsUnchanged([input('yields', a), input('soil', a)], [input('yields', a), input('soil', b)]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FeaturesInputError);
    expect((error as Error).message).toBe(
      'builders.soil.filepath (/data/soil.parquet): changed while the stage was reading it (sha256 aaaaaaaaaaaa… then bbbbbbbbbbbb…); run the stage again once nothing else writes its inputs',
    );
  });
});
