/**
 * The message of anything thrown: an Error's `message`, anything else as `String(value)`. With `{ name: true }`,
 * an Error's message is prefixed by its name (`SchemaError: …`), for one-line failure reports.
 */
export function errorMessage(error: unknown, options: { name?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  return options.name === true ? `${error.name}: ${error.message}` : error.message;
}
