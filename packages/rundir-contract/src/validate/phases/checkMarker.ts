import { z } from 'zod';
import { decodeUtf8, parseJson, validateDocument } from '../../io/Json.js';
import { rundirJsonPath } from '../../layout/RunLayout.js';
import { locationName, type Location } from '../../location/Location.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import { RunDirMarkerSchema, type RunDirMarker } from '../../schemas/JsonArtifacts.js';
import { assertSupportedContractVersion } from '../../version/ContractVersion.js';
import { errorMessage as message } from '../../errors/errorMessage.js';
import type { AddCheck } from './CheckLog.js';

export interface MarkerFindings {
  marker?: RunDirMarker;
  contractVersion?: string;
  /** Nothing else can be judged: an empty location, or a contract major this contract does not support. */
  stop: boolean;
}

/** _rundir.json first: its contract major decides whether anything else can be judged by this contract. */
export async function checkMarker(runDir: Location, listing: RunDirListing, add: AddCheck): Promise<MarkerFindings> {
  const { store } = listing;
  let marker: RunDirMarker | undefined;
  let contractVersion: string | undefined;
  const found = (stop: boolean): MarkerFindings => ({
    ...(marker ? { marker } : {}),
    ...(contractVersion ? { contractVersion } : {}),
    stop,
  });
  const markerPath = rundirJsonPath();
  if (!listing.has(markerPath)) {
    add(
      markerPath,
      'presence',
      'fail',
      `${runDir} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`,
      'rundir',
    );
    if (listing.paths.length === 0) return found(true);
  } else {
    add(markerPath, 'presence', 'pass', undefined, 'rundir');
    const where = listing.location(markerPath);
    try {
      const raw = parseJson(decodeUtf8(await store.read(where), where), where, z.unknown());
      const version =
        typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).contract_version : undefined;
      try {
        assertSupportedContractVersion(version, where);
        add(markerPath, 'version', 'pass', undefined, 'rundir');
        contractVersion = version as string;
      } catch (error) {
        add(markerPath, 'version', 'fail', `${message(error)}; the remaining checks were skipped`, 'rundir');
        if (typeof version === 'string') contractVersion = version;
        return found(true);
      }
      marker = validateDocument(where, raw, RunDirMarkerSchema);
      add(markerPath, 'schema', 'pass', undefined, 'rundir');
      const name = locationName(runDir);
      if (marker.run_id !== name) {
        add(
          markerPath,
          'schema',
          'warn',
          `run_id ${marker.run_id} differs from the directory name ${name}: the run directory was renamed or copied`,
          'rundir',
        );
      }
    } catch (error) {
      add(markerPath, 'schema', 'fail', message(error), 'rundir');
    }
  }
  return found(false);
}
