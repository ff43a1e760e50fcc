import { joinLocation, locationName, parentLocation, type Location } from '../location/Location.js';
import { HOST_TAG, processAlive } from './WriterTag.js';

/** What a lease object holds: who writes the target, and until when the lease counts. */
export interface LeaseRecord {
  target: Location;
  token: string;
  /** Short hash of the holder's host name (see WriterTag). */
  host: string;
  hostname: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}

/** `<parent>/.lease-<name>`: beside the target, so a lease on a local folder and on an S3 prefix look alike. */
export function leaseLocation(target: Location): Location {
  return joinLocation(parentLocation(target), `.lease-${locationName(target)}`);
}

/** Whether a lease no longer protects anything: expired, or held by a process of this host that is gone. */
export function leaseIsStale(record: LeaseRecord, now: number = Date.now()): boolean {
  if (!(Date.parse(record.expires_at) > now)) return true;
  return record.host === HOST_TAG && !processAlive(record.pid);
}

/** The record of a lease object, or undefined when it is not one. */
export function parseLeaseRecord(bytes: Uint8Array): LeaseRecord | undefined {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<LeaseRecord>;
    if (
      typeof value.token !== 'string' ||
      typeof value.expires_at !== 'string' ||
      typeof value.pid !== 'number' ||
      typeof value.host !== 'string'
    )
      return undefined;
    return value as LeaseRecord;
  } catch {
    return undefined;
  }
}
