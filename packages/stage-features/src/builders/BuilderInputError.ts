import { errorMessage, NotFoundError } from '@commodity-hindcast/rundir-contract/errors';
import { FeaturesInputError } from '../FeaturesError.js';

/** How to make each kind of builder input, for the fix part of messages. */
export const MAKE_INPUT: Readonly<Record<string, string>> = {
  yields:
    "a yield table (geo_identifier, year, yield_kg_ha, area_harvested_ha), e.g. from 'commodity-hindcast data import nass'",
  indices: "an index store (indices.zarr) written with the contract's writeIndexStore",
  static: 'a Parquet table with geo_identifier and one double column per feature',
  table: 'a Parquet table with geo_identifier, year (int32) and one double column per feature',
};

/**
 * Turns an error of reading a builder input through the contract into a FeaturesInputError naming the config
 * field and the path. The contract's message already says what was expected and found; its location prefix
 * is dropped, as the new message names the location itself.
 */
export function builderReadError(field: string, kind: string, location: string, error: unknown): FeaturesInputError {
  if (error instanceof NotFoundError) {
    return new FeaturesInputError(
      field,
      location,
      'no file or store there',
      `check the path (a relative filepath resolves against INPUT_DATA_DIR) or write ${MAKE_INPUT[kind] ?? 'the input'} there`,
      { cause: error },
    );
  }
  // The contract's own fix (`write it again (re-run the import that made it)`) is more precise than the generic one.
  const fix = contractFix(error) ?? `rewrite the file as ${MAKE_INPUT[kind] ?? 'the input'}, or point ${field} at one`;
  return new FeaturesInputError(field, location, readProblem(location, error), fix, { cause: error });
}

const CONTRACT_FIX = /; ((rewrite|write|drop|fill) [^;]*)$/;

function contractFix(error: unknown): string | undefined {
  return CONTRACT_FIX.exec(errorMessage(error))?.[1];
}

/** The contract's message of a failed read without its location prefix and its own fix. */
export function readProblem(location: string, error: unknown): string {
  const message = errorMessage(error);
  const problem = message.startsWith(`${location}: `) ? message.slice(location.length + 2) : message;
  return problem.replace(CONTRACT_FIX, '');
}

/** A double column as Float64Array with NaN for null (a read with `nulls: 'mask'` already has NaN under its nulls). */
export function toFloat64(values: ArrayLike<number | null>): Float64Array {
  if (values instanceof Float64Array) return values;
  return Float64Array.from({ length: values.length }, (_, i) => values[i] ?? Number.NaN);
}
