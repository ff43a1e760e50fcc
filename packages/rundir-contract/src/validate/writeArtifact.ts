import { ContractError, SemanticError } from '../errors/ContractError.js';
import { formatCsv, parseCsv, type CsvCell } from '../io/Csv.js';
import { formatJson, validateDocument } from '../io/Json.js';
import { encodeParquet, type ParquetCompression } from '../io/Parquet.js';
import { validateFrame } from '../io/FrameValidation.js';
import { matchArtifact } from '../layout/Artifacts.js';
import type { Location } from '../location/Location.js';
import { JSON_SCHEMAS } from '../schemas/JsonArtifacts.js';
import { TABLE_SCHEMAS } from '../schemas/Tables.js';
import type { Frame } from '../schemas/TableSchema.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { contextFromPath, CSV_CHECKS, DOCUMENT_CHECKS, TABLE_CHECKS } from './checks/ArtifactChecks.js';
import type { CheckContext, Violation } from './checks/Violation.js';

export interface WriteArtifactOptions {
  store?: Store;
  /**
   * What the checks cannot read from the location: the config, the included geos, the run id. Rules whose context
   * is absent are skipped here and enforced by validateRunDir, which knows the whole run directory.
   */
  context?: Omit<CheckContext, 'path'>;
  /** Parquet page compression (tables only). */
  compression?: ParquetCompression;
  /**
   * `false` for an artifact a manifest written after it vouches for (size and sha256): no flush to disk before it is
   * published (the store's WriteOptions.durable). Default `true`.
   */
  durable?: boolean;
}

/** The artifact a location is (its path inside the run directory matches the layout), and what that path tells. */
function locate(location: Location, artifactId: string): Omit<CheckContext, 'path'> {
  const segments = location.split('/');
  for (let i = 0; i < segments.length; i++) {
    const relative = segments.slice(i).join('/');
    if (matchArtifact(relative)?.id === artifactId) return contextFromPath(relative);
  }
  throw new ContractError(
    `${location}: is not where the layout puts ${artifactId}; build the location with the layout's path functions`,
  );
}

function refuseViolations(location: Location, violations: readonly Violation[]): void {
  if (violations.length > 0) throw new SemanticError(location, violations);
}

/**
 * Writes a Parquet artifact (walk-forward predictions, conformal sidecars, the national series, …) after checking
 * it against its table schema and its semantic checks; a violation throws SemanticError and nothing is written.
 */
export async function writeArtifactTable(
  location: Location,
  artifactId: string,
  frame: Frame,
  options: WriteArtifactOptions = {},
): Promise<void> {
  const schema = TABLE_SCHEMAS[artifactId];
  if (!schema) throw new ContractError(`writeArtifactTable: ${artifactId} is not a Parquet artifact of the layout`);
  const where = `${location} (not written)`;
  validateFrame(frame, schema, where);
  const ctx: CheckContext = { ...locate(location, artifactId), ...options.context, path: location };
  refuseViolations(location, TABLE_CHECKS[artifactId]?.(frame, ctx) ?? []);
  const bytes = encodeParquet(frame, schema, options.compression ? { compression: options.compression } : {});
  await (options.store ?? storeFor(location)).write(
    location,
    bytes,
    options.durable === false ? { durable: false } : {},
  );
}

/** Writes a JSON artifact (model, detrender, bias corrector, …) after its zod schema and its semantic checks. */
export async function writeArtifactDocument<T>(
  location: Location,
  artifactId: string,
  document: T,
  options: WriteArtifactOptions = {},
): Promise<void> {
  const schema = JSON_SCHEMAS[artifactId];
  if (!schema) throw new ContractError(`writeArtifactDocument: ${artifactId} is not a JSON artifact of the layout`);
  const parsed = validateDocument(`${location} (not written)`, document, schema);
  const ctx: CheckContext = { ...locate(location, artifactId), ...options.context, path: location };
  refuseViolations(location, DOCUMENT_CHECKS[artifactId]?.(parsed as never, ctx) ?? []);
  await (options.store ?? storeFor(location)).write(
    location,
    formatJson(document),
    options.durable === false ? { durable: false } : {},
  );
}

/**
 * Writes a delivery CSV (hindcast or forecast, by its location) after checking the text as it will land: the header
 * must be `deliveryColumns(config, level)` when the config is given, and every row must pass the delivery checks.
 */
export async function writeDeliveryCsv(
  location: Location,
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  options: WriteArtifactOptions = {},
): Promise<void> {
  const artifactId = /_Forecast_[\d-]+\.csv$/.test(location) ? 'forecast_delivery' : 'hindcast_delivery';
  const where = `${location} (not written)`;
  const text = formatCsv(header, rows, where);
  const ctx: CheckContext = { ...locate(location, artifactId), ...options.context, path: location };
  refuseViolations(location, CSV_CHECKS[artifactId]?.(parseCsv(text, where), ctx) ?? []);
  await (options.store ?? storeFor(location)).write(location, text);
}
