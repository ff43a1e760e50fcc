import { ContractError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';

/** `1 MiB`, `256 MiB`: a byte cap as people write it. */
function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1 && Number.isInteger(mib)) return `${mib} MiB`;
  const kib = bytes / 1024;
  if (kib >= 1 && Number.isInteger(kib)) return `${kib} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a whole object that should be small (a config, a Zarr chunk), refusing one above `maxBytes` before reading
 * it: a mistaken path to a huge file fails at once instead of filling memory. A non-regular local file (`/dev/zero`,
 * a FIFO, or a symlink to one) is refused by the store itself. `what` names the object in the message; its
 * content is never quoted.
 */
export async function readBounded(
  store: Store,
  location: Location,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const tooBig = (size: number): ContractError =>
    new ContractError(
      `${location}: ${what} is ${size.toLocaleString('en-US')} bytes, above the ${describeBytes(maxBytes)} limit; check the path (is this the right file?)`,
    );
  const size = await store.size(location);
  if (size !== undefined && size > maxBytes) throw tooBig(size);
  const bytes = await store.read(location);
  // The object may have grown between the two calls.
  if (bytes.byteLength > maxBytes) throw tooBig(bytes.byteLength);
  return bytes;
}
