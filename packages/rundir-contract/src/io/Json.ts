import type { z } from 'zod';
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { CreateResult, Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { writtenFile, type WrittenFile } from '../store/WrittenFile.js';

export interface DocumentIoOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
}

// Enough issues to fix a file in one go, few enough to keep the message one readable line.
const MAX_ISSUES = 10;

/** A value as a message shows it: `number 5`, `"abc"`, `null`, `nothing (the field is missing)`. */
function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of ${value.length}`;
  return typeof value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `tags[1].name` */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.length === 0 ? '' : `field "${formatPath(issue.path)}": `;
  const found = valueAt(input, issue.path);
  if (issue.code === 'invalid_type') return `${field}expected ${issue.expected}, found ${describeFound(found)}`;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${field}unexpected field${issue.keys.length > 1 ? 's' : ''} ${keys}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  }
  // Zod's own messages are sentences ("Too small: ..."); lower-case them to read as part of ours.
  const message = /^[A-Z][a-z]/.test(issue.message)
    ? issue.message[0]?.toLowerCase() + issue.message.slice(1)
    : issue.message;
  return `${field}${message}, found ${describeFound(found)}`;
}

/**
 * Validates a parsed document against its schema and returns the schema's output. On failure throws one
 * SchemaError naming `where` and each offending field:
 * `/r/_rundir.json: field "run_id": expected string, found number 5`.
 */
export function validateDocument<T>(where: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => describeIssue(issue, value));
  const more = issues.length > MAX_ISSUES ? `; and ${issues.length - MAX_ISSUES} more` : '';
  throw new SchemaError(`${where}: ${shown.join('; ')}${more}`);
}

/** Decodes UTF-8 (dropping a leading BOM), refusing invalid byte sequences rather than replacing them. */
export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SchemaError(`${where}: is not valid UTF-8 text; re-save it as UTF-8`);
  }
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

// Thrown and caught inside locateJsonSyntaxError only; parseJson words the SchemaError users see.
class JsonSyntax extends SchemaError {
  override readonly name = 'JsonSyntax';
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/**
 * Finds where JSON text first breaks the grammar. Only run after JSON.parse failed: V8's messages give no
 * position for many errors and quote the text (newlines included), which makes no one-line message.
 */
function locateJsonSyntaxError(text: string): JsonSyntax {
  let i = 0;
  const fail = (problem?: string): never => {
    if (i >= text.length) throw new JsonSyntax(i, 'unexpected end of input');
    throw new JsonSyntax(i, problem ?? `unexpected ${JSON.stringify(text[i])}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (char: string): void => {
    if (text[i] !== char)
      fail(i < text.length ? `expected ${JSON.stringify(char)}, found ${JSON.stringify(text[i])}` : undefined);
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const c = text.charCodeAt(i);
      if (i >= text.length) fail();
      if (c === 34) break;
      if (c < 32) fail('control character inside a string (escape it, e.g. \\n)');
      if (c === 92) {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('invalid \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('invalid escape');
      }
      i++;
    }
    i++;
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail('invalid number');
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) return void (i += literal.length);
    }
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`);
    return new JsonSyntax(i, 'invalid JSON');
  } catch (error) {
    if (error instanceof JsonSyntax) return error;
    throw error;
  }
}

/** Parses JSON text and validates it; syntax errors name `where`, the line and the column. */
export function parseJson<T>(text: string, where: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (text.trim() === '') throw new SchemaError(`${where}: is empty, expected a JSON document; regenerate the file`);
    const syntax = locateJsonSyntaxError(text);
    const at = lineAndColumn(text, syntax.offset);
    throw new SchemaError(
      `${where}: is not valid JSON: line ${at.line}, column ${at.column}: ${syntax.problem}; fix the syntax or regenerate the file`,
    );
  }
  return validateDocument(where, value, schema);
}

/** The on-disk form of every JSON document we write: 2-space indentation and a final newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function validatedText<T>(location: Location, value: T, schema: z.ZodType<T>): string {
  // Validate the value as given and write it as given, so what callers pass is exactly what lands on disk.
  validateDocument(`${location} (not written)`, value, schema);
  return formatJson(value);
}

export async function readJson<T>(
  location: Location,
  schema: z.ZodType<T>,
  options: DocumentIoOptions = {},
): Promise<T> {
  const store = options.store ?? storeFor(location);
  return parseJson(decodeUtf8(await store.read(location), location), location, schema);
}

/** Validates, then writes atomically (readers see the old document or the new one). */
export async function writeJson<T>(
  location: Location,
  value: T,
  schema: z.ZodType<T>,
  options: DocumentIoOptions = {},
): Promise<WrittenFile> {
  const text = validatedText(location, value, schema);
  await (options.store ?? storeFor(location)).write(location, text);
  return writtenFile(location, text);
}

/** Validates, then writes only when nothing is at `location` (an existing document is left untouched). */
export async function createJsonIfAbsent<T>(
  location: Location,
  value: T,
  schema: z.ZodType<T>,
  options: DocumentIoOptions = {},
): Promise<CreateResult> {
  const text = validatedText(location, value, schema);
  return (options.store ?? storeFor(location)).createIfAbsent(location, text);
}
