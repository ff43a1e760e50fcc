import { SchemaError } from '../errors/ContractError.js';
import { compareGeo, parseGeoIdentifier } from '../domain/GeoIdentifier.js';
import type { Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { decodeUtf8 } from './Json.js';
import { errorMessage } from '../errors/errorMessage.js';

export interface GeoListIoOptions {
  store?: Store;
  /**
   * `false` when a manifest written after the list vouches for it (size and sha256): no flush to disk before it is
   * published (the store's WriteOptions.durable). Default `true`.
   */
  durable?: boolean;
}

/**
 * `included_geo_identifiers.txt`: ADM2 identifiers in normal form, one per line, sorted by code point, each once,
 * with a trailing newline. Refuses anything else with the line number, so a hand-edited list fails where it broke.
 */
export function parseGeoList(text: string, where: string): string[] {
  if (text === '') throw new SchemaError(`${where}: is empty, expected one ADM2 geo identifier per line`);
  if (!text.endsWith('\n'))
    throw new SchemaError(
      `${where}: line ${text.split('\n').length}: no trailing newline; end the file with a newline`,
    );
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    let level: number;
    try {
      level = parseGeoIdentifier(line).level;
    } catch (error) {
      throw new SchemaError(`${where}: line ${i + 1}: ${errorMessage(error)}`);
    }
    if (level !== 2)
      throw new SchemaError(`${where}: line ${i + 1}: ${line} is an ADM${level} identifier, expected ADM2 (counties)`);
    const previous = lines[i - 1];
    if (previous !== undefined && compareGeo(previous, line) >= 0) {
      throw new SchemaError(
        `${where}: line ${i + 1}: ${line} ${previous === line ? 'repeats the line before' : `sorts before ${previous}`}; write the identifiers sorted by code point, each once`,
      );
    }
  });
  return lines;
}

/** The file text for a set of ADM2 identifiers: sorted by code point, repeats dropped, trailing newline. */
export function formatGeoList(geos: Iterable<string>, where = 'included_geo_identifiers.txt'): string {
  const sorted = [...new Set(geos)].sort(compareGeo);
  const text = sorted.length === 0 ? '' : `${sorted.join('\n')}\n`;
  parseGeoList(text, where); // refuses an empty list, or a geo that is not an ADM2 identifier in normal form
  return text;
}

export async function readGeoList(location: Location, options: GeoListIoOptions = {}): Promise<string[]> {
  const bytes = await (options.store ?? storeFor(location)).read(location);
  return parseGeoList(decodeUtf8(bytes, location), location);
}

export async function writeGeoList(
  location: Location,
  geos: Iterable<string>,
  options: GeoListIoOptions = {},
): Promise<void> {
  await (options.store ?? storeFor(location)).write(
    location,
    formatGeoList(geos, location),
    options.durable === false ? { durable: false } : {},
  );
}
