import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';

/** Reads one column of a decoded frame as numbers, null where the frame holds null (plain array or null mask). */
export function numberColumn(frame: Frame, name: string): (number | null)[] {
  const column = frame.columns[name] as ArrayLike<number | null> | undefined;
  if (column === undefined) return new Array<number | null>(frame.numRows).fill(null);
  const mask = frame.nulls?.[name];
  return Array.from({ length: frame.numRows }, (_, i) => (mask?.[i] === 1 ? null : (column[i] ?? null)));
}

/** A non-nullable number column (the schema guarantees it). */
export function valueColumn(frame: Frame, name: string): number[] {
  return Array.from(frame.columns[name] as ArrayLike<number>);
}

export function textColumn(frame: Frame, name: string): string[] {
  return Array.from(frame.columns[name] as ArrayLike<string>);
}
