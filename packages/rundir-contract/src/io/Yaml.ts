import * as yaml from 'js-yaml';
import type { z } from 'zod';
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import { decodeUtf8, type DocumentIoOptions, validateDocument } from './Json.js';

/**
 * Parses one YAML document (YAML 1.2 core schema: dates stay strings, duplicate keys are errors) and validates
 * it. Syntax errors name `where` and the 1-based line and column.
 */
export function parseYaml<T>(text: string, where: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = yaml.load(text, { filename: where });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    // The exception's own message carries a multi-line source snippet; keep the reason and the position only.
    const at = error.mark ? `line ${error.mark.line + 1}, column ${error.mark.column + 1}: ` : '';
    throw new SchemaError(`${where}: is not valid YAML: ${at}${error.reason}; fix the syntax or regenerate the file`);
  }
  return validateDocument(where, value, schema);
}

/** The on-disk form of every YAML document we write: block style, 2-space indent, no line folding, no anchors. */
export function formatYaml(value: unknown): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true });
}

export async function readYaml<T>(
  location: Location,
  schema: z.ZodType<T>,
  options: DocumentIoOptions = {},
): Promise<T> {
  const store = options.store ?? storeFor(location);
  return parseYaml(decodeUtf8(await store.read(location), location), location, schema);
}

/** Validates, then writes atomically. The value is written as given (validation does not rewrite it). */
export async function writeYaml<T>(
  location: Location,
  value: T,
  schema: z.ZodType<T>,
  options: DocumentIoOptions = {},
): Promise<void> {
  validateDocument(`${location} (not written)`, value, schema);
  let text: string;
  try {
    text = formatYaml(value);
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
    throw new SchemaError(
      `${location} (not written): cannot be represented as YAML: ${reason}; pass plain data (objects, arrays, strings, numbers, booleans, null)`,
    );
  }
  await (options.store ?? storeFor(location)).write(location, text);
}
