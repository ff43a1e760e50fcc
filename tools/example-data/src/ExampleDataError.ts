/** An invalid request to the example generator (bad options, an unusable target location). One line, with the fix. */
export class ExampleDataError extends Error {
  override readonly name = 'ExampleDataError';
}
