/** Errors that mean a bug in this program rather than a problem with the user's input or data. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError']);

/** Set to print the stack trace under the one-line cause. */
export const DEBUG_VARIABLE = 'COMMODITY_HINDCAST_DEBUG';

/**
 * The cause of a failure as one line. The packages' errors are written to be read as they are (what, where, what
 * to do), so their message is the line; a nested cause the message does not already mention is appended.
 * Programming errors keep their name and point at the debug variable.
 */
export function failureLine(error: unknown): string {
  if (!(error instanceof Error)) return oneLine(String(error));
  let line = oneLine(error.message) || error.name;
  const cause = error.cause instanceof Error ? oneLine(error.cause.message) : undefined;
  // A wrapper that restates its cause without the cause's location prefix (`<path>: `) has already said it.
  const prefixEnd = cause?.indexOf(': ') ?? -1;
  const bare = cause !== undefined && prefixEnd >= 0 ? cause.slice(prefixEnd + 2) : undefined;
  if (cause && !line.includes(cause) && !(bare && line.includes(bare))) line += `: ${cause}`;
  if (PROGRAMMING_ERRORS.has(error.name))
    line = `internal error (${error.name}: ${line}); set ${DEBUG_VARIABLE}=1 for the stack trace and report it`;
  return line;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
