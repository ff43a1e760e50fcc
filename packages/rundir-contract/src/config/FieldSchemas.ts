import * as nodePath from 'node:path';
import * as z from 'zod';
import { PLAUSIBLE_YEARS } from '../domain/Plausibility.js';
import { errorMessage } from '../errors/errorMessage.js';
import { assertWellFormedUri, isS3Location, normalizeLocation } from '../location/Location.js';

/** The field shapes config sections share: paths, distinct lists, bounded integers, names, years, season days. */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Names that become parts of feature column names or file names. */
const NAME = /^[a-z][a-z0-9_]*$/;
const NAME_RULE = 'lower-case letters, digits and "_", starting with a letter';

/** Why a config path is unusable, or undefined when it is fine. `resolved`: relative paths are refused. */
export function pathProblem(value: string, resolved: boolean): string | undefined {
  if (value.trim() === '') return 'expected a path, got an empty string';
  if (CONTROL.test(value)) return `${JSON.stringify(value)} contains a control character`;
  if (value.includes('$')) {
    return `${JSON.stringify(value)} contains "$": variables are not expanded in paths; write the path relative to INPUT_DATA_DIR`;
  }
  if (isS3Location(value)) {
    try {
      normalizeLocation(value);
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }
  // A mistyped S3 URI (`s3:/b/k`, `S3://b/k`) or a one-slash scheme would otherwise pass as a relative path.
  if (!URI_SCHEME.test(value) || /^s3:/i.test(value)) {
    try {
      assertWellFormedUri(value);
    } catch (error) {
      return errorMessage(error);
    }
  }
  if (URI_SCHEME.test(value)) return `${JSON.stringify(value)}: unsupported scheme; use a local path or an s3:// URI`;
  if (nodePath.isAbsolute(value)) return undefined;
  if (resolved)
    return `expected an absolute path or an s3:// URI in a resolved config, got the relative path ${JSON.stringify(value)}`;
  if (value.includes('\\')) return `${JSON.stringify(value)} contains "\\"; separate path segments with "/"`;
  if (value.split('/').includes('..')) {
    return `${JSON.stringify(value)} climbs out of INPUT_DATA_DIR with ".."; give a path inside it or an absolute path`;
  }
  return undefined;
}

/** A path field: relative to INPUT_DATA_DIR, absolute, or an s3:// URI (only the latter two once resolved). */
export function pathField(resolved: boolean): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = pathProblem(value, resolved);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

/** A list whose items must be distinct; each repeat is reported at its own index. */
export function distinct<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).superRefine((values, ctx) => {
    const seen = new Map<unknown, number>();
    values.forEach((value, index) => {
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `${JSON.stringify(value)} repeats item [${first}]; list each ${what} once`,
          input: value,
        });
    });
  });
}

/** An integer with bounds; its errors say "integer", which zod's bound issues do not tell from "number". */
export function integer(min: number, max?: number) {
  if (max !== undefined) {
    const range = `expected an integer from ${min} to ${max}`;
    return z.int().min(min, { error: range }).max(max, { error: range });
  }
  return z.int().min(min, { error: min === 1 ? 'expected a positive integer' : `expected an integer >= ${min}` });
}

export const name = (what: string) => z.string().regex(NAME, { error: `expected a ${what} of ${NAME_RULE}` });
export const year = integer(PLAUSIBLE_YEARS.min, PLAUSIBLE_YEARS.max);
export const seasonDoy = integer(1, 366);
