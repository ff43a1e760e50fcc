import { ContractError, type ContractErrorCode } from './ContractError.js';

/** The disk (or quota) filled while writing `location`; nothing partial was left behind. */
// The system error is kept as `systemError`, not as `cause`: the message already says all of it in one line.
// Its errno (ENOSPC or EDQUOT) is `systemCode`; `code` is the ContractErrorCode, as on every ContractError.
export class StorageFullError extends ContractError {
  override readonly name = 'StorageFullError';
  override readonly code: ContractErrorCode = 'STORAGE_FULL';
  constructor(
    readonly location: string,
    readonly systemCode: string,
    readonly systemError?: unknown,
  ) {
    super(
      `${location}: no space left on the device (${systemCode}) while writing it; nothing partial was kept — free space there, or choose a location with room (INPUT_DATA_DIR, --run-dir or --out)`,
    );
  }
}

/** The file system of `location` is mounted read-only. */
export class ReadOnlyStorageError extends ContractError {
  override readonly name = 'ReadOnlyStorageError';
  override readonly code: ContractErrorCode = 'READ_ONLY_STORAGE';
  constructor(
    readonly location: string,
    readonly systemError?: unknown,
  ) {
    super(
      `${location}: the file system is read-only (EROFS); choose a writable location (INPUT_DATA_DIR, --run-dir or --out)`,
    );
  }
}

/** Another live writer holds the lease of `target` and did not finish within the wait. */
export class LeaseHeldError extends ContractError {
  override readonly name = 'LeaseHeldError';
  override readonly code: ContractErrorCode = 'LEASE_HELD';
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A writer whose lease on `target` ran out, or was taken over, before it finished publishing: it stops before its
 * next write, so the writer that holds the lease now publishes whole.
 */
export class LeaseLostError extends ContractError {
  override readonly name = 'LeaseLostError';
  override readonly code: ContractErrorCode = 'LEASE_LOST';
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns ENOSPC / EDQUOT / EROFS into the typed one-line errors above; anything else is returned as it is. */
export function storageError(location: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new StorageFullError(location, code, error);
  if (code === 'EROFS') return new ReadOnlyStorageError(location, error);
  return error;
}
