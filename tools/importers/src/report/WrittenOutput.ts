import type { IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import type { ImportOutput } from './ImportReport.js';

/** The report entry of a Parquet file just written: its rows and its size in the store. */
export async function parquetOutput(location: Location, rows: number): Promise<ImportOutput> {
  return { location, kind: 'parquet', rows, bytes: (await storeFor(location).size(location)) ?? 0 };
}

/** The report entry of an index store just written: cells per variable, and the bytes of all its objects. */
export async function indexStoreOutput(location: Location, data: IndexStoreData): Promise<ImportOutput> {
  let bytes = 0;
  for await (const entry of storeFor(location).list(location)) bytes += entry.size;
  const geos = data.geoIdentifiers.length;
  const timeSteps = data.time.length;
  return {
    location,
    kind: 'index-store',
    rows: geos * timeSteps,
    bytes,
    shape: { geos, timeSteps, variables: Object.keys(data.variables) },
  };
}
