import type * as z from 'zod';

/**
 * Turns zod issues into the lines a ConfigError lists: `<field.path>: <problem>`, e.g.
 * `model.regression_params.alpha: expected a positive number, got -1`. zod's own messages
 * ("Too small: expected number to be >0") are replaced by ones that say what was expected and what was found.
 */

type Issue = z.core.$ZodIssue;

/** `model.regression_params.alpha`, `experiment_protocol.test_years[3]`, `builders["my builder"]`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(top level)' : out;
}

/** A short rendering of a value found in the config. */
function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return showValue(value);
}

function numberBound(issue: {
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean | undefined;
  origin: string;
}): string {
  const noun = issue.origin === 'int' ? 'an integer' : 'a number';
  if (issue.minimum !== undefined) {
    if (Number(issue.minimum) === 0 && !issue.inclusive)
      return issue.origin === 'int' ? 'a positive integer' : 'a positive number';
    return `${noun} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
  }
  return `${noun} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
}

function sizeBound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const input = issue.input;
  if (issue.origin === 'string') {
    if (issue.code === 'too_small' && limit === 1) return 'expected a non-empty string';
    return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit} characters, got ${showValue(input)}`;
  }
  const count = Array.isArray(input) ? input.length : undefined;
  if (issue.exact) return `expected exactly ${limit} items, got ${count ?? showValue(input)}`;
  if (issue.code === 'too_small' && limit === 1) return 'expected a non-empty list, got []';
  return `expected ${issue.code === 'too_small' ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}, got ${count ?? showValue(input)}`;
}

/** `ridge`, or `one of ridge | pca_ridge | gbdt`: the allowed values as a user would type them. */
function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' && /^[A-Za-z0-9_.-]+$/.test(v) ? v : showValue(v)));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(' | ')}`;
}

/** True when a union branch failed only because the value has the wrong shape for it altogether. */
function isShapeMismatch(branch: readonly Issue[]): boolean {
  return branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
}

interface Described {
  /** The field the line is about (for unknown fields: the unknown key's path). */
  path: PropertyKey[];
  line: string;
}

function describe(issue: Issue, path: PropertyKey[]): Described[] {
  const one = (line: string): Described[] => [{ path, line }];
  const at = formatFieldPath(path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return one(`${at}: required`);
      return one(`${at}: expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${typeOf(issue.input)}`);
    case 'too_small':
    case 'too_big':
      // A bound with its own message (see `integer` in ExperimentConfig.ts); zod's defaults start with "Too ".
      if (!issue.message.startsWith('Too ')) return one(`${at}: ${issue.message}, got ${showValue(issue.input)}`);
      if (issue.origin === 'number' || issue.origin === 'int')
        return one(`${at}: expected ${numberBound(issue)}, got ${showValue(issue.input)}`);
      return one(`${at}: ${sizeBound(issue)}`);
    case 'invalid_value':
      return one(`${at}: expected ${oneOf(issue.values)}, got ${showValue(issue.input)}`);
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        line:
          path.length === 0 && key === 'input_data_dir'
            ? 'input_data_dir: not allowed in the config; the data root comes only from the INPUT_DATA_DIR environment variable (export INPUT_DATA_DIR=/data/commodity)'
            : `${formatFieldPath([...path, key])}: unknown field`,
      }));
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        // A discriminated union: the path already ends at the discriminator field.
        const options = (issue as { options?: unknown[] }).options ?? [];
        const expected = oneOf(options);
        const input = issue.input;
        const found =
          input !== null && typeof input === 'object' && !Array.isArray(input)
            ? (input as Record<string, unknown>)[issue.discriminator]
            : input;
        return one(`${at}: expected ${expected}, got ${showValue(found)}`);
      }
      const candidates = issue.errors.filter((branch) => branch.length > 0 && !isShapeMismatch(branch));
      if (candidates.length === 1) return candidates[0]!.flatMap((inner) => describe(inner, [...path, ...inner.path]));
      return one(`${at}: ${issue.message}, got ${showValue(issue.input)}`);
    }
    case 'invalid_key':
      return one(`${at}: invalid name ${showValue(issue.input)}: ${issue.issues.map((i) => i.message).join('; ')}`);
    case 'invalid_format':
      return one(`${at}: ${issue.message}, got ${showValue(issue.input)}`);
    default:
      return one(`${at}: ${issue.message}`);
  }
}

/** One `<field.path>: <problem>` line per problem; `origin` may name where the value came from (env, flag). */
export function describeZodIssues(
  issues: readonly Issue[],
  origin?: (fieldPath: readonly PropertyKey[]) => string | undefined,
): string[] {
  return issues.flatMap((issue) =>
    describe(issue, issue.path).map(({ path, line }) => {
      const source = origin?.(path);
      return source ? `${line} (set by ${source})` : line;
    }),
  );
}
