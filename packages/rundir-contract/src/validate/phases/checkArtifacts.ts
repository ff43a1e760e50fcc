import { parseConfigTrain } from '../../config/ConfigDifference.js';
import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { parseResolvedConfig } from '../../config/loadConfig.js';
import { describeViolation } from '../../errors/ContractError.js';
import { parseCsv } from '../../io/Csv.js';
import { parseGeoList } from '../../io/GeoList.js';
import { readIndexStore } from '../../io/IndexStore.js';
import { decodeUtf8, parseJson } from '../../io/Json.js';
import { decodeParquet } from '../../io/Parquet.js';
import type { ArtifactDeclaration } from '../../layout/Artifacts.js';
import { configResolvedPath, includedGeoIdentifiersPath } from '../../layout/RunLayout.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import type { RunDirMarker } from '../../schemas/JsonArtifacts.js';
import { JSON_SCHEMAS } from '../../schemas/JsonArtifacts.js';
import { TABLE_SCHEMAS } from '../../schemas/Tables.js';
import type { ValidationCheck } from '../ValidationReport.js';
import {
  contextFromPath,
  CSV_CHECKS,
  DOCUMENT_CHECKS,
  parseIncludedGeos,
  TABLE_CHECKS,
} from '../checks/ArtifactChecks.js';
import type { CheckContext, Violation } from '../checks/Violation.js';
import { errorMessage as message } from '../../errors/errorMessage.js';
import type { ArtifactToRead } from './checkFiles.js';

// Files read at once: enough to hide S3 latency without holding many large Parquet files in memory.
const READ_CONCURRENCY = 8;

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Schema and semantics: each artifact read once, its schema check then one failure per broken rule; in listing order. */
export async function checkArtifacts(
  listing: RunDirListing,
  toRead: readonly ArtifactToRead[],
  config: ResolvedConfig | undefined,
  marker: RunDirMarker | undefined,
): Promise<ValidationCheck[]> {
  const semantics: Omit<CheckContext, 'path'> = {
    ...(config ? { config } : {}),
    ...(marker ? { runId: marker.run_id } : {}),
    ...(await readIncludedGeos(listing)),
  };
  const results: ValidationCheck[][] = new Array(toRead.length);
  await forEachLimited(toRead, READ_CONCURRENCY, async ({ path, artifact }, index) => {
    try {
      const violations = await checkSchema(listing, path, artifact, { ...semantics, ...contextFromPath(path), path });
      results[index] =
        violations === undefined ? [] : [{ path, artifact: artifact.id, check: 'schema', status: 'pass' }];
      for (const v of violations ?? [])
        results[index].push({
          path,
          artifact: artifact.id,
          check: 'semantic',
          status: 'fail',
          reason: describeViolation(v),
        });
    } catch (error) {
      results[index] = [{ path, artifact: artifact.id, check: 'schema', status: 'fail', reason: message(error) }];
    }
  });
  return results.flat();
}

/** The included universe, for the geo checks; absent (those rules skipped) when the file is missing or unreadable. */
async function readIncludedGeos(listing: RunDirListing): Promise<{ includedGeos?: ReadonlySet<string> }> {
  const path = includedGeoIdentifiersPath();
  if (!listing.has(path)) return {};
  try {
    return { includedGeos: parseIncludedGeos(decodeUtf8(await listing.store.read(listing.location(path)), path)) };
  } catch {
    return {}; // its own schema check reports why
  }
}

/**
 * Reads one artifact, checks it against its schema (throwing the first schema error), then returns its semantic
 * violations; undefined when the format has nothing to check (HTML, SVG).
 */
async function checkSchema(
  listing: RunDirListing,
  path: string,
  artifact: ArtifactDeclaration,
  ctx: CheckContext,
): Promise<Violation[] | undefined> {
  const where = listing.location(path);
  const bytes = (): Promise<Uint8Array> => listing.store.read(where);
  switch (artifact.format) {
    case 'parquet': {
      const schema = TABLE_SCHEMAS[artifact.id];
      if (!schema) return undefined;
      const semantic = TABLE_CHECKS[artifact.id];
      // NaN in a non-nullable double is left to the semantic checks, so it is one line among the file's others.
      const frame = decodeParquet(await bytes(), schema, where, semantic ? { nan: 'allow' } : {});
      return semantic?.(frame, ctx) ?? [];
    }
    case 'json': {
      const schema = JSON_SCHEMAS[artifact.id];
      if (!schema) return undefined;
      const document = parseJson(decodeUtf8(await bytes(), where), where, schema);
      return DOCUMENT_CHECKS[artifact.id]?.(document as never, ctx) ?? [];
    }
    case 'yaml': {
      if (artifact.id !== 'config_train') {
        parseResolvedConfig(decodeUtf8(await bytes(), where), where);
        return [];
      }
      // A difference from config_resolved.yaml (resumeRunDir), valid once applied to it.
      const resolvedAt = listing.location(configResolvedPath());
      const resolved = parseResolvedConfig(decodeUtf8(await listing.store.read(resolvedAt), resolvedAt), resolvedAt);
      parseConfigTrain(decodeUtf8(await bytes(), where), resolved, where);
      return [];
    }
    case 'csv': {
      const csv = parseCsv(decodeUtf8(await bytes(), where), where);
      return CSV_CHECKS[artifact.id]?.(csv, ctx) ?? [];
    }
    case 'zarr':
      await readIndexStore(where, { store: listing.store });
      return [];
    case 'text':
      parseGeoList(decodeUtf8(await bytes(), where), where);
      return [];
    default:
      return undefined;
  }
}
