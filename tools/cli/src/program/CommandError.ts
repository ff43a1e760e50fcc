/** A failure the CLI itself detects (not a stage's or the contract's): exit 1 with this one-line message. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
